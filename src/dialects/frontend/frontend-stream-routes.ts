import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { ProxyState } from '../../http/state.js';
import type { Push } from '../../push/create-push.js';
import { addRoute } from '../../routing/define-route.js';
import { scopeKey } from '../../scopes/scope.js';
import { FRONTEND_STREAM_ROUTES } from './frontend-definitions.js';

/**
 * `GET /api/frontend/events` (and Edge's `/api/proxy` alias): the "refetch" stream of
 * `/proxy/events` for frontend tokens, announcing the changes of the token's scope only.
 * `guards`: readiness, rate limits around the frontend token (in the URL or Authorization),
 * then PROXY_STREAMS_ENABLED.
 */
export function frontendStreamRoutes(
  push: Push,
  guards: readonly Middleware<ProxyState>[],
): Router<ProxyState> {
  const router = new Router<ProxyState>();
  for (const route of FRONTEND_STREAM_ROUTES) {
    addRoute(router, route, ...guards, (ctx) => {
      const { grant } = ctx.state;
      // The token guard sets the grant or refuses the request.
      if (grant === undefined) throw new Error('A frontend stream without a grant');
      push.refetchStreams.open(ctx, scopeKey(grant));
    });
  }
  return router;
}
