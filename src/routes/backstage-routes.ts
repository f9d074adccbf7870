import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { LiveFlags } from '../evaluation/live-flags.js';
import { assertReady, type SyncTracker } from '../health/flag-freshness.js';
import type { ProxyState } from '../http/state.js';
import type { ProxyMetrics } from '../metrics/prometheus.js';
import { addRoute } from '../routing/define-route.js';
import {
  getBackstageHealth,
  getLiveness,
  getPrometheusMetrics,
  getReadiness,
} from './backstage-definitions.js';

export interface BackstageRoutesDeps {
  flags: LiveFlags;
  sync: SyncTracker;
  readinessMaxAgeMs: number;
  metrics: ProxyMetrics;
}

/**
 * Routes for orchestrators and monitoring, open like the original proxy's backstage (they
 * reveal counts and timings, never flags, keys or user data):
 * liveness (the process answers), readiness (flags loaded and recently confirmed by Unleash)
 * and Prometheus metrics. /proxy/health keeps its original meaning (flags loaded).
 */
export function backstageRoutes({
  flags,
  sync,
  readinessMaxAgeMs,
  metrics,
}: BackstageRoutesDeps): Router<ProxyState> {
  const router = new Router<ProxyState>();

  const alive: Middleware<ProxyState> = (ctx) => {
    ctx.type = 'text/plain';
    ctx.body = 'ok';
  };
  addRoute(router, getLiveness, alive);
  addRoute(router, getBackstageHealth, alive);

  addRoute(router, getReadiness, (ctx) => {
    assertReady(flags, sync, readinessMaxAgeMs);
    ctx.type = 'text/plain';
    ctx.body = 'ok';
  });

  addRoute(router, getPrometheusMetrics, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.type = metrics.contentType;
    ctx.body = await metrics.render();
  });

  return router;
}
