import Router from '@koa/router';
import type { Middleware } from 'koa';
import { ScopesNotReadyError } from '../errors.js';
import type { LiveFlags } from '../evaluation/live-flags.js';
import { assertReady, type SyncTracker } from '../health/flag-freshness.js';
import type { ProxyState } from '../http/state.js';
import type { ProxyMetrics } from '../metrics/prometheus.js';
import { addRoute } from '../routing/define-route.js';
import {
  getBackstageHealth,
  getEdgeHealth,
  getEdgeMetrics,
  getEdgeReadiness,
  getLiveness,
  getPrometheusMetrics,
  getReadiness,
} from './backstage-definitions.js';

export interface BackstageRoutesDeps {
  flags: LiveFlags;
  sync: SyncTracker;
  readinessMaxAgeMs: number;
  metrics: ProxyMetrics;
  /** The configured scopes without flags yet (src/scopes); none without Unleash tokens. */
  scopesNotReady?: () => readonly string[];
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
  scopesNotReady,
}: BackstageRoutesDeps): Router<ProxyState> {
  const router = new Router<ProxyState>();

  const alive: Middleware<ProxyState> = (ctx) => {
    ctx.type = 'text/plain';
    ctx.body = 'ok';
  };
  addRoute(router, getLiveness, alive);
  addRoute(router, getBackstageHealth, alive);

  addRoute(router, getEdgeHealth, alive);

  const ready: Middleware<ProxyState> = (ctx) => {
    assertReady(flags, sync, readinessMaxAgeMs);
    const notReady = scopesNotReady?.() ?? [];
    if (notReady.length > 0) throw new ScopesNotReadyError(notReady);
    ctx.type = 'text/plain';
    ctx.body = 'ok';
  };
  addRoute(router, getReadiness, ready);
  addRoute(router, getEdgeReadiness, ready);

  const prometheus: Middleware<ProxyState> = async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.type = metrics.contentType;
    ctx.body = await metrics.render();
  };
  addRoute(router, getPrometheusMetrics, prometheus);
  addRoute(router, getEdgeMetrics, prometheus);

  return router;
}
