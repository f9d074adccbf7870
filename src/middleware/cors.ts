import koaCors from '@koa/cors';
import type { Context, Middleware, Next } from 'koa';
import type { ProxyConfig } from '../config/load-config.js';
import type { ProxyState } from '../http/state.js';

/** A header name and its value. */
type Header = readonly [string, string];

/** The CORS headers of an answer to a request with this Origin (none when not allowed). */
type CorsHeaders = (requestOrigin: string) => readonly Header[] | undefined;

/**
 * The headers @koa/cors sets on a request that is not a preflight, with the original proxy's
 * defaults and CORS_* settings, from values computed once rather than per request.
 */
function corsHeadersFor(config: ProxyConfig): CorsHeaders {
  const allowedOrigins = config.corsOrigin === '*' ? undefined : new Set(config.corsOrigin);
  const credentials = config.corsCredentials;
  const exposeHeaders = config.corsExposedHeaders.join(',');
  const extra: Header[] = [];
  if (credentials) extra.push(['Access-Control-Allow-Credentials', 'true']);
  if (exposeHeaders !== '') extra.push(['Access-Control-Expose-Headers', exposeHeaders]);
  const anyOrigin: readonly Header[] = Object.freeze([
    ['Access-Control-Allow-Origin', '*'],
    ...extra,
  ]);

  return (requestOrigin) => {
    if (allowedOrigins !== undefined && !allowedOrigins.has(requestOrigin)) return undefined;
    // With credentials the origin is reflected, as a wildcard is not allowed with them.
    if (allowedOrigins === undefined && !credentials) return anyOrigin;
    return [['Access-Control-Allow-Origin', requestOrigin], ...extra];
  };
}

/**
 * CORS with the original proxy's defaults and CORS_* settings. An origin list reflects an
 * allowed origin and leaves others without CORS headers, as Express's cors package did.
 *
 * Preflights go to @koa/cors. Every other request, the hot path, takes `simpleRequest`: the
 * same headers @koa/cors sets there, from `corsHeadersFor` (its option handling, async origin
 * callback and `vary` parsing were a measurable part of a 304), written straight to the
 * response: this module owns them. @koa/cors also copies them onto an error thrown
 * downstream, for Koa's own error answer, which drops the response's headers; here
 * `requestEnvelope` answers every error and keeps them, so nothing reads that copy, and the
 * step needs no async frame around the routes.
 */
export function cors(config: ProxyConfig): Middleware<ProxyState> {
  const allowedOrigins = config.corsOrigin === '*' ? undefined : new Set(config.corsOrigin);
  const allowedOrigin = (ctx: Context): string => {
    if (allowedOrigins === undefined) return '*';
    const origin = ctx.get('Origin');
    return allowedOrigins.has(origin) ? origin : '';
  };
  const handle = koaCors({
    origin: allowedOrigin,
    allowMethods: [...config.corsMethods],
    ...(config.corsAllowedHeaders ? { allowHeaders: [...config.corsAllowedHeaders] } : {}),
    exposeHeaders: [...config.corsExposedHeaders],
    credentials: config.corsCredentials,
    maxAge: config.corsMaxAge,
  });
  const headersFor = corsHeadersFor(config);

  function simpleRequest(ctx: Context, next: Next): Promise<void> {
    const response = ctx.res;
    // Vary: Origin always, as @koa/cors does; set outright when nothing set Vary before.
    if (response.hasHeader('Vary')) ctx.vary('Origin');
    else response.setHeader('Vary', 'Origin');
    const origin = ctx.req.headers.origin;
    const headersSet = headersFor(origin ?? '');
    // OPTIONS without Access-Control-Request-Method is no preflight: @koa/cors adds nothing.
    if (headersSet === undefined || ctx.method === 'OPTIONS') return next();
    for (const [name, value] of headersSet) response.setHeader(name, value);
    return next();
  }

  async function preflight(ctx: Context, next: Next): Promise<void> {
    // @koa/cors answers a preflight itself; these two settings change what follows.
    await handle(ctx, async () => {});
    if (config.corsPreflightContinue) {
      // @koa/cors marked it answered (204); undo that so the routes see an unanswered request.
      ctx.status = 404;
      await next();
    } else if (ctx.status === 204) {
      ctx.status = config.corsOptionsSuccessStatus;
    }
  }

  return (ctx, next) => {
    const isPreflight = ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method') !== '';
    return isPreflight ? preflight(ctx, next) : simpleRequest(ctx, next);
  };
}
