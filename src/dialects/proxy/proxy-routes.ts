import Router from '@koa/router';
import type { Middleware } from 'koa';
import { EndpointDisabledError } from '../../errors.js';
import type { ProxyState } from '../../http/state.js';
import { addRoute } from '../../routing/define-route.js';
import { type EvaluationPipeline, evaluationHandler } from '../evaluation-endpoint.js';
import { getProxy, getProxyAll, postProxy, postProxyAll } from './proxy-definitions.js';
import {
  ALL_FLAGS,
  ENABLED_FLAGS,
  type ProxyReaderLimits,
  proxyEndpoint,
} from './proxy-dialect.js';

export interface ProxyRoutesDeps {
  readonly limits: ProxyReaderLimits;
  /** ENABLE_ALL_ENDPOINT: otherwise /proxy/all answers 501. */
  readonly enableAllEndpoint: boolean;
  readonly pipeline: EvaluationPipeline;
  /** Run before each route: readiness, rate limits, client key. */
  readonly guards: readonly Middleware<ProxyState>[];
}

/** GET/POST /proxy and /proxy/all: the same endpoint but for the selection. */
export function proxyRoutes({
  limits,
  enableAllEndpoint,
  pipeline,
  guards,
}: ProxyRoutesDeps): Router<ProxyState> {
  const router = new Router<ProxyState>();
  const handler = (...endpoint: Parameters<typeof proxyEndpoint>) =>
    evaluationHandler(proxyEndpoint(...endpoint), pipeline);

  // After the guards: a caller without a key must not learn which endpoints are enabled, and a
  // proxy that is not ready says so first (503, then 401, then 501, then the request's 4xx).
  const requireAllEndpoint: Middleware<ProxyState> = async (_ctx, next) => {
    if (!enableAllEndpoint) throw new EndpointDisabledError('ENABLE_ALL_ENDPOINT');
    await next();
  };

  addRoute(router, getProxy, ...guards, handler(ENABLED_FLAGS, 'query', limits));
  addRoute(router, postProxy, ...guards, handler(ENABLED_FLAGS, 'body', limits));
  addRoute(router, getProxyAll, ...guards, requireAllEndpoint, handler(ALL_FLAGS, 'query', limits));
  addRoute(router, postProxyAll, ...guards, requireAllEndpoint, handler(ALL_FLAGS, 'body', limits));
  return router;
}
