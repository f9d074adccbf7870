import type { Middleware } from 'koa';
import type { ProxyState } from '../http/state.js';
import type { ProxyMetrics } from '../metrics/prometheus.js';

/** Counts a request let in with an Unleash token under its environment (Prometheus label). */
export function countEnvironment(
  metrics: ProxyMetrics,
  kind: 'frontend' | 'backend',
): Middleware<ProxyState> {
  return async (ctx, next) => {
    const environment = ctx.state.grant?.environment;
    if (environment !== undefined) metrics.observeEnvironmentRequest(environment, kind);
    await next();
  };
}
