import Router from '@koa/router';
import { NotReadyError } from '../errors.js';
import type { LiveFlags } from '../evaluation/live-flags.js';
import type { ProxyState } from '../http/state.js';
import { addRoute } from '../routing/define-route.js';
import { getHealth } from './health-definitions.js';

/** GET /proxy/health: 503 until the flags are loaded, then 200 `ok`. No key needed. */
export function healthRoutes(flags: LiveFlags): Router<ProxyState> {
  const router = new Router<ProxyState>();
  addRoute(router, getHealth, (ctx) => {
    if (flags.current() === undefined) throw new NotReadyError();
    ctx.type = 'text/plain';
    ctx.body = 'ok';
  });
  return router;
}
