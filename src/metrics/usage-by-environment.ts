import type { ProxyConfig } from '../config/load-config.js';
import type { Logger } from '../logger.js';
import type { ScopeSync } from '../scopes/scope-sync.js';
import { createUnleashPoster } from '../unleash/upstream-post.js';
import type { ProxyMetrics } from './prometheus.js';
import { createUsagePipeline, type UsagePipeline } from './usage-pipeline.js';

export interface UsageByEnvironmentSettings {
  readonly config: ProxyConfig;
  readonly logger: Logger;
  readonly scopeSync: ScopeSync;
  /** The pipeline of the first scope's environment: its token is UNLEASH_API_TOKEN. */
  readonly primary: UsagePipeline;
  readonly metrics: ProxyMetrics;
  readonly registration: Record<string, unknown>;
}

export interface UsageByEnvironment {
  /** Where the usage counts of an environment's SDKs go. */
  usageFor(environment: string): UsagePipeline;
  close(): Promise<void>;
}

/**
 * Usage counts go to Unleash with a backend token of the environment they were counted in, so
 * that Unleash files them under that environment: one pipeline per environment, made on its
 * first report. Counts of an environment with no configured token (offline) are dropped.
 */
export function createUsageByEnvironment({
  config,
  logger,
  scopeSync,
  primary,
  metrics,
  registration,
}: UsageByEnvironmentSettings): UsageByEnvironment {
  const pipelines = new Map<string, UsagePipeline>();
  return {
    usageFor(environment) {
      if (environment === scopeSync.primaryEnvironment() || config.mode !== 'online') {
        return primary;
      }
      let pipeline = pipelines.get(environment);
      if (pipeline === undefined) {
        const token = scopeSync.tokenFor(environment);
        const scoped: ProxyConfig = { ...config, unleashApiToken: token };
        pipeline = createUsagePipeline({
          config: scoped,
          logger: logger.child({ environment }),
          metrics,
          ...(token !== undefined && config.unleashUrl !== undefined
            ? { post: createUnleashPoster(scoped, config.unleashUrl) }
            : {}),
          registration,
        });
        pipeline.start();
        pipelines.set(environment, pipeline);
      }
      return pipeline;
    },
    async close() {
      await Promise.all([...pipelines.values()].map((pipeline) => pipeline.close()));
    },
  };
}
