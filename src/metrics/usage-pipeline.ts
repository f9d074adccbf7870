import type { ProxyConfig } from '../config/load-config.js';
import type { Logger } from '../logger.js';
import type { UnleashPoster } from '../unleash/upstream-post.js';
import type { ProxyMetrics } from './prometheus.js';
import { UsageAggregator } from './usage-aggregator.js';
import { UsageForwarder } from './usage-forwarder.js';
import type { ToggleUsage } from './usage-payload.js';

/** Where the usage reports of /client/metrics go. */
export interface UsagePipeline {
  record(toggles: readonly ToggleUsage[]): void;
  pendingEvaluations(): number;
  start(): void;
  /** Uploads what is pending; called on shutdown. */
  close(): Promise<void>;
}

export interface UsagePipelineSettings {
  config: ProxyConfig;
  logger: Logger;
  metrics: ProxyMetrics;
  /** Absent in offline mode: there is no Unleash to send to. */
  post?: UnleashPoster;
  registration: Record<string, unknown>;
}

/**
 * Aggregates usage reports and forwards them to Unleash. Without an Unleash to send to
 * (offline mode) or with UNLEASH_METRICS_INTERVAL=0, reports are still checked and answered,
 * then discarded, so that SDKs behave the same against every proxy.
 */
export function createUsagePipeline({
  config,
  logger,
  metrics,
  post,
  registration,
}: UsagePipelineSettings): UsagePipeline {
  if (post === undefined || config.metricsInterval === 0) {
    return {
      record(toggles) {
        const evaluations = toggles.reduce((sum, toggle) => sum + toggle.yes + toggle.no, 0);
        metrics.usageReceived(evaluations);
        metrics.usageDropped(evaluations);
      },
      pendingEvaluations: () => 0,
      start() {},
      async close() {},
    };
  }

  const aggregator = new UsageAggregator();
  const forwarder = new UsageForwarder({
    aggregator,
    post,
    appName: config.unleashAppName,
    instanceId: config.unleashInstanceId,
    intervalMs: config.metricsInterval,
    jitterMs: config.metricsJitter,
    registration,
    logger,
    onForwarded: (evaluations) => metrics.usageForwarded(evaluations),
    onDropped: (evaluations) => metrics.usageDropped(evaluations),
  });
  return {
    record(toggles) {
      const { accepted, dropped } = aggregator.add(toggles);
      metrics.usageReceived(accepted + dropped);
      if (dropped > 0) {
        metrics.usageDropped(dropped);
        logger.warn({ evaluations: dropped }, 'too many distinct flags pending; counts dropped');
      }
    },
    pendingEvaluations: () => aggregator.pendingEvaluations(),
    start: () => forwarder.start(),
    close: () => forwarder.close(),
  };
}
