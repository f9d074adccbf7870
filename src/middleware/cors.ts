import koaCors from '@koa/cors';
import type { Middleware } from 'koa';
import type { ProxyConfig } from '../config/load-config.js';
import type { ProxyState } from '../http/state.js';

/**
 * CORS with the original proxy's defaults and CORS_* settings. An origin list reflects an
 * allowed origin and leaves others without CORS headers, as Express's cors package did.
 */
export function cors(config: ProxyConfig): Middleware<ProxyState> {
  const allowedOrigins = config.corsOrigin === '*' ? undefined : new Set(config.corsOrigin);
  const handle = koaCors({
    origin: (ctx) => {
      if (allowedOrigins === undefined) return '*';
      const origin = ctx.get('Origin');
      return allowedOrigins.has(origin) ? origin : '';
    },
    allowMethods: [...config.corsMethods],
    ...(config.corsAllowedHeaders ? { allowHeaders: [...config.corsAllowedHeaders] } : {}),
    exposeHeaders: [...config.corsExposedHeaders],
    credentials: config.corsCredentials,
    maxAge: config.corsMaxAge,
  });

  return async (ctx, next) => {
    const isPreflight = ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method') !== '';
    if (!isPreflight) {
      await handle(ctx, next);
      return;
    }
    // @koa/cors answers a preflight itself; these two settings change what follows.
    await handle(ctx, async () => {});
    if (config.corsPreflightContinue) {
      // @koa/cors marked it answered (204); undo that so the routes see an unanswered request.
      ctx.status = 404;
      await next();
    } else if (ctx.status === 204) {
      ctx.status = config.corsOptionsSuccessStatus;
    }
  };
}
