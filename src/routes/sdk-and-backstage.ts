import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { ProxyConfig } from '../config/load-config.js';
import type { LiveFlags } from '../evaluation/live-flags.js';
import { readinessMaxAgeMs, SyncTracker } from '../health/flag-freshness.js';
import type { ProxyState } from '../http/state.js';
import type { Logger } from '../logger.js';
import { createProxyMetrics, type ProxyMetrics } from '../metrics/prometheus.js';
import { createUsagePipeline, type UsagePipeline } from '../metrics/usage-pipeline.js';
import type { CredentialChecker } from '../middleware/client-key-auth.js';
import type { RequestHooks } from '../middleware/request-hooks.js';
import { requestMetrics } from '../middleware/request-metrics.js';
import { requireSdkCredential, requireServerToken } from '../middleware/sdk-auth.js';
import type { FlagStore } from '../unleash/flag-store.js';
import type { Strategy } from '../unleash/types.js';
import { createUnleashPoster, registrationFields } from '../unleash/upstream-post.js';
import type { UpstreamTracer } from '../unleash/upstream-tracer.js';
import { backstageRoutes } from './backstage-routes.js';
import { clientRoutes } from './client-routes.js';

export interface SdkAndBackstageDeps {
  config: ProxyConfig;
  logger: Logger;
  store: FlagStore;
  flags: LiveFlags;
  checker: CredentialChecker;
  requireReady: Middleware<ProxyState>;
  strategies: readonly Strategy[];
  /** Spans for the metrics uploads and registration. */
  upstream: UpstreamTracer;
  /** Flags per environment of the Unleash-token scopes, for Prometheus. */
  environmentFlags?: () => readonly { environment: string; flags: number }[];
  /** The configured scopes without flags yet, for readiness. */
  scopesNotReady?: () => readonly string[];
}

export interface SdkAndBackstage {
  /** The usage pipeline of the first scope (the one /proxy serves). */
  readonly usage: UsagePipeline;
  readonly metrics: ProxyMetrics;
  /** What the proxy registers with Unleash, for the pipelines of other environments. */
  readonly registration: Record<string, unknown>;
  /** Go right inside the request log, outside the error handler. */
  readonly requestMetrics: RequestHooks;
  readonly routers: readonly Router<ProxyState>[];
  /** Starts forwarding usage counts to Unleash. */
  start(): void;
  /** Sends the pending usage counts; call once no more requests arrive. */
  close(): Promise<void>;
}

/**
 * The SDK-facing client API (usage reports, registration, full configuration for backend
 * SDKs) and the operations routes (liveness, readiness, Prometheus), built together because
 * they share the Prometheus series and the record of syncs with Unleash.
 */
export function createSdkAndBackstage({
  config,
  logger,
  store,
  flags,
  checker,
  requireReady,
  strategies,
  upstream,
  environmentFlags,
  scopesNotReady,
}: SdkAndBackstageDeps): SdkAndBackstage {
  const sync = new SyncTracker(() => store.lastSyncAt());
  let lastChangeAt: Date | undefined;
  const metrics = createProxyMetrics({
    flagCount: () => flags.current()?.snapshot.features.length,
    lastSyncAt: () => sync.lastSyncAt(),
    lastChangeAt: () => lastChangeAt,
    // Read at scrape time, when `usage` (which reports into these series) exists.
    pendingEvaluations: () => usage.pendingEvaluations(),
    ...(environmentFlags ? { environmentFlags } : {}),
  });
  store.onFetch((outcome) => {
    if (outcome === 'changed') lastChangeAt = new Date();
    metrics.recordFetch(outcome);
  });

  const registration = registrationFields(strategies);
  const usage = createUsagePipeline({
    config,
    logger,
    metrics,
    ...(config.mode === 'online' && config.unleashUrl !== undefined
      ? { post: createUnleashPoster(config, config.unleashUrl, upstream) }
      : {}),
    registration,
  });

  return {
    usage,
    metrics,
    registration,
    requestMetrics: requestMetrics(metrics),
    routers: [
      clientRoutes({
        config,
        flags,
        usage,
        requireSdk: requireSdkCredential(checker, config.clientKeysHeaderName),
        requireServer: requireServerToken(checker, config.clientKeysHeaderName),
        requireReady,
      }),
      backstageRoutes({
        flags,
        sync,
        readinessMaxAgeMs: readinessMaxAgeMs(config),
        metrics,
        ...(scopesNotReady ? { scopesNotReady } : {}),
      }),
    ],
    start: () => usage.start(),
    close: () => usage.close(),
  };
}
