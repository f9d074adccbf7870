import Router from '@koa/router';
import type Koa from 'koa';
import { MethodNotAllowedError, NotFoundError } from '../errors.js';
import type { ProxyState } from '../http/state.js';

/**
 * Mounts the routers under PROXY_BASE_PATH. A known path with the wrong method gets 405 (the
 * router sets the Allow header); an unknown path falls through to the error handler's 404.
 */
export function mountRoutes(
  koa: Koa<ProxyState>,
  basePath: string,
  routers: readonly Router<ProxyState>[],
): void {
  const root = new Router<ProxyState>(basePath === '' ? {} : { prefix: basePath });
  for (const router of routers) root.use(router.routes());
  koa.use(root.routes());
  // Not `throw: true`: the router then throws before setting Allow. It sets the status and
  // the header, and the middleware around it turns the status into the typed error.
  koa.use(async (ctx, next) => {
    await next();
    if (ctx.status === 405) throw new MethodNotAllowedError();
    if (ctx.status === 501) {
      ctx.remove('Allow');
      throw new NotFoundError();
    }
  });
  koa.use(root.allowedMethods());
}
