import type { ProxyMetrics } from '../metrics/prometheus.js';
import type { RequestHooks } from './request-hooks.js';

/**
 * Counts every request and its duration by route template (never the raw path, which would
 * give one series per made-up URL). Finishes after the error handler, to see final statuses.
 */
export function requestMetrics(metrics: ProxyMetrics): RequestHooks {
  return {
    finish(ctx, started) {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : 'unmatched';
      metrics.observeRequest(ctx.method, route, ctx.status, seconds);
    },
  };
}
