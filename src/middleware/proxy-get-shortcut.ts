import type { Middleware } from 'koa';
import { parseQueryContext } from '../context/build-context.js';
import type { LiveFlags } from '../evaluation/live-flags.js';
import type { ProxyState } from '../http/state.js';
import type { ProxyAnswer } from '../routes/proxy-answer.js';
import type { CredentialChecker } from './client-key-auth.js';

export interface ProxyGetShortcutSettings {
  /** PROXY_BASE_PATH, '' for none. */
  readonly basePath: string;
  readonly enableAllEndpoint: boolean;
  readonly clientKeysHeaderName: string;
  readonly queryParameterLimit: number;
  readonly flags: LiveFlags;
  readonly checker: CredentialChecker;
  /** The answer the routes give (routes/proxy-answer.ts). */
  readonly answer: ProxyAnswer;
}

/**
 * GET /proxy and /proxy/all, the requests every frontend SDK polls with, answered before the
 * router: matching the route and running the guard chain cost about as much per request as
 * hashing the context. It sits after every app-wide middleware (drain, request log, request
 * metrics, errors, CORS, compression, client IP, query limits), so those apply as usual, and it
 * sets the route template the router would, so log lines, metrics and ETags are the same.
 * It takes only requests that would pass the guards (exact path, flags loaded, a valid client
 * key); anything else goes on to the router, which answers or refuses it the usual way.
 * Wire it only when the guards are exactly readiness and the client key, and the context is
 * not enriched (see `shortcutApplies`): rate limits count in guards, and an enricher's view of
 * the request is best kept to the one path.
 */
export function proxyGetShortcut(settings: ProxyGetShortcutSettings): Middleware<ProxyState> {
  const onlyEnabledByPath = new Map([[`${settings.basePath}/proxy`, true]]);
  if (settings.enableAllEndpoint) onlyEnabledByPath.set(`${settings.basePath}/proxy/all`, false);

  return async (ctx, next) => {
    const onlyEnabled = ctx.method === 'GET' ? onlyEnabledByPath.get(ctx.path) : undefined;
    if (onlyEnabled === undefined || settings.flags.current() === undefined) return next();
    const presented = ctx.get(settings.clientKeysHeaderName);
    const credential = presented === '' ? undefined : settings.checker.check(presented);
    if (credential?.kind !== 'client-key') return next();

    ctx.state.credential = credential.kind;
    ctx.state.credentialId = credential.id;
    ctx._matchedRoute = ctx.path;
    await settings.answer(ctx, parseQueryContext(ctx.querystring, settings.queryParameterLimit), {
      onlyEnabled,
    });
  };
}

/** Whether the shortcut answers as the routes would: no rate limits, no enrichers. */
export function shortcutApplies(options: {
  rateLimitPerIp: number;
  rateLimitPerKey: number;
  enricherCount: number;
}): boolean {
  return options.rateLimitPerIp <= 0 && options.rateLimitPerKey <= 0 && options.enricherCount === 0;
}
