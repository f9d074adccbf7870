import type { Middleware } from 'koa';
import type { ProxyState } from '../http/state.js';
import type { ProxyMetrics } from '../metrics/prometheus.js';

/**
 * Counts every request and its duration by route template (never the raw path, which would
 * give one series per made-up URL). Sits outside the error handler to see final statuses.
 */
export function requestMetrics(metrics: ProxyMetrics): Middleware<ProxyState> {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : 'unmatched';
      metrics.observeRequest(ctx.method, route, ctx.status, seconds);
    }
  };
}
