import type { RequestedContext } from '../context/build-context.js';
import { canonicalContext } from '../context/build-context.js';
import type { LiveFlags } from '../evaluation/live-flags.js';
import type { EvaluationContext } from '../evaluation/types.js';
import { evaluationEtag, ifNoneMatchHits } from '../http/etag.js';
import type { ProxyContext } from '../http/state.js';
import { togglesBody } from '../http/toggles-json.js';

/** Turns what the caller sent into the context flags are evaluated against. */
export type ContextPreparer = (
  requested: RequestedContext,
  ctx: ProxyContext,
) => Promise<EvaluationContext> | EvaluationContext;

export interface Selection {
  /** Answer exactly these flags, in this order. */
  names?: readonly string[];
  /** Leave out the flags that are not enabled. */
  onlyEnabled: boolean;
}

/** The answer of /proxy and /proxy/all once the caller is let in. */
export type ProxyAnswer = (
  ctx: ProxyContext,
  requested: RequestedContext,
  selection: Selection,
) => Promise<void>;

/**
 * An ETag from the flags, route, credential and context (a matching If-None-Match gets 304
 * without evaluating), else the flags evaluated for the context. The routes and the GET
 * shortcut (middleware/proxy-get-shortcut.ts) both answer with this function.
 */
export function proxyAnswer(flags: LiveFlags, prepareContext: ContextPreparer): ProxyAnswer {
  return async (ctx, requested, selection) => {
    const live = flags.current();
    if (live === undefined) return; // unreachable: readiness is checked first
    const context = await prepareContext(requested, ctx);
    // When a flag reads the clock and the caller did not fix the time, the answer only holds
    // for a period of time: the tag names the period it was computed in.
    const period =
      live.clockPeriod !== undefined && context.currentTime === undefined
        ? `.${live.clockPeriod(Date.now())}`
        : '';
    const etag = evaluationEtag(
      `${live.snapshot.fingerprint}${period}`,
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
}
