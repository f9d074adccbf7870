import Router from '@koa/router';
import type Koa from 'koa';
import type { Middleware } from 'koa';
import { MethodNotAllowedError, NotFoundError } from '../errors.js';
import type { ProxyState } from '../http/state.js';

/**
 * The router answers a known path with the wrong method by setting a bare status and the Allow
 * header (its `throw` mode would drop the header); this turns that into the JSON error shape.
 * A method the router does not know at all (501) is a 405 on a known path and a 404 elsewhere.
 */
const wrongMethodAsError: Middleware<ProxyState> = async (ctx, next) => {
  await next();
  if (ctx.body !== undefined && ctx.body !== null) return;
  if (ctx.status === 405 || ctx.status === 501) {
    throw ctx.response.get('Allow') === '' ? new NotFoundError() : new MethodNotAllowedError();
  }
};

/**
 * Mounts the routers under PROXY_BASE_PATH, in groups: each group is one router at the top of
 * the app, tried in order. @koa/router tests every route of a router against every request, so
 * the routes SDKs poll (GET /proxy) form a small first group and find their match among a few
 * routes rather than all of them; a request none of a group's routes takes goes on to the
 * next. A known path with the wrong method gets 405 with an Allow header, whichever group knew
 * it; an unknown path falls through to the error handler's 404.
 */
export function mountRoutes(
  koa: Koa<ProxyState>,
  basePath: string,
  groups: readonly (readonly Router<ProxyState>[])[],
): void {
  const roots = groups.map((routers) => {
    const root = new Router<ProxyState>(basePath === '' ? {} : { prefix: basePath });
    for (const router of routers) root.use(router.routes());
    return root;
  });
  for (const root of roots) koa.use(root.routes());
  koa.use(wrongMethodAsError);
  // Every group adds the routes whose path matched to `ctx.matched`, which this reads.
  const [first] = roots;
  if (first !== undefined) koa.use(first.allowedMethods());
}
