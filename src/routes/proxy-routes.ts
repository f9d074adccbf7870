import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { ProxyConfig } from '../config/load-config.js';
import {
  canonicalContext,
  parseProxyRequestBody,
  parseQueryContext,
  type RequestedContext,
} from '../context/build-context.js';
import { EndpointDisabledError } from '../errors.js';
import type { LiveFlags } from '../evaluation/live-flags.js';
import type { EvaluationContext } from '../evaluation/types.js';
import { evaluationEtag, ifNoneMatchHits } from '../http/etag.js';
import { readJsonBody } from '../http/json-body.js';
import type { ProxyContext, ProxyState } from '../http/state.js';
import { togglesBody } from '../http/toggles-json.js';
import { addRoute } from '../openapi/define-route.js';
import { getProxy, getProxyAll, postProxy, postProxyAll } from './proxy-definitions.js';

/** Turns what the caller sent into the context flags are evaluated against. */
export type ContextPreparer = (
  requested: RequestedContext,
  ctx: ProxyContext,
) => Promise<EvaluationContext> | EvaluationContext;

export interface ProxyRoutesDeps {
  config: ProxyConfig;
  flags: LiveFlags;
  prepareContext: ContextPreparer;
  /** Runs before each route: readiness and client-key checks. */
  guards: readonly Middleware<ProxyState>[];
}

interface Selection {
  /** Answer exactly these flags, in this order. */
  names?: readonly string[];
  /** Leave out the flags that are not enabled. */
  onlyEnabled: boolean;
}

/** GET/POST /proxy and /proxy/all: flags evaluated for one context. */
export function proxyRoutes({
  config,
  flags,
  prepareContext,
  guards,
}: ProxyRoutesDeps): Router<ProxyState> {
  const router = new Router<ProxyState>();

  const answer = async (ctx: ProxyContext, requested: RequestedContext, selection: Selection) => {
    const live = flags.current();
    if (live === undefined) return; // unreachable: the readiness guard ran first
    const context = await prepareContext(requested, ctx);
    // When a flag reads the clock and the caller did not fix the time, the answer is only
    // known to hold for the current second: the tag says which second it was computed in.
    const timeBucket =
      live.dependsOnClock && context.currentTime === undefined
        ? `.${Math.floor(Date.now() / 1000)}`
        : '';
    const etag = evaluationEtag(
      `${live.snapshot.fingerprint}${timeBucket}`,
      `${ctx.method} ${ctx._matchedRoute ?? ctx.path}${selection.names ? `|${selection.names.join(',')}` : ''}`,
      ctx.state.credentialId ?? '',
      canonicalContext(context),
    );
    ctx.set('ETag', etag);
    ctx.set('Cache-Control', 'public, max-age=2');
    // The tag covers method, route, flag names and context, so a POST can revalidate too:
    // unleash-proxy-client in POST mode sends If-None-Match.
    if (ifNoneMatchHits(ctx.get('If-None-Match'), etag)) {
      ctx.status = 304;
      return;
    }
    const toggles = live.evaluator.evaluate(context, selection.names);
    // Serialized here from cached parts: Koa (and koa-compress, for its threshold) would
    // otherwise stringify an object body twice per request.
    ctx.type = 'application/json';
    ctx.body = togglesBody(toggles, selection.onlyEnabled);
  };

  const requireAllEndpoint: Middleware<ProxyState> = async (_ctx, next) => {
    if (!config.enableAllEndpoint) throw new EndpointDisabledError('ENABLE_ALL_ENDPOINT');
    await next();
  };

  addRoute(router, getProxy, ...guards, async (ctx) => {
    await answer(ctx, parseQueryContext(ctx.querystring, config.queryParameterLimit), {
      onlyEnabled: true,
    });
  });

  addRoute(router, postProxy, ...guards, async (ctx) => {
    const { context, toggles } = parseProxyRequestBody(
      await readJsonBody(ctx, config.bodyLimitBytes),
    );
    await answer(
      ctx,
      context,
      toggles ? { names: toggles, onlyEnabled: false } : { onlyEnabled: true },
    );
  });

  addRoute(router, getProxyAll, requireAllEndpoint, ...guards, async (ctx) => {
    await answer(ctx, parseQueryContext(ctx.querystring, config.queryParameterLimit), {
      onlyEnabled: false,
    });
  });

  addRoute(router, postProxyAll, requireAllEndpoint, ...guards, async (ctx) => {
    const { context, toggles } = parseProxyRequestBody(
      await readJsonBody(ctx, config.bodyLimitBytes),
    );
    await answer(
      ctx,
      context,
      toggles ? { names: toggles, onlyEnabled: false } : { onlyEnabled: false },
    );
  });

  return router;
}
