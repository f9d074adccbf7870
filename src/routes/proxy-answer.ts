import type { RequestedContext } from '../context/build-context.js';
import { canonicalContext } from '../context/build-context.js';
import type { LiveFlagSet, LiveFlags } from '../evaluation/live-flags.js';
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

/** What /proxy answers: a tag, and the body unless the caller's If-None-Match holds it. */
export interface Answer {
  readonly etag: string;
  /** Undefined for 304 Not Modified. */
  readonly body: string | undefined;
}

/** What names an answer besides the flags and the context: the request line and the caller. */
export interface AnswerRequest {
  /** Method and route template, e.g. `GET /proxy`. */
  readonly routeKey: string;
  readonly credentialId: string;
  readonly selection: Selection;
  /** The If-None-Match header, '' when absent. */
  readonly ifNoneMatch: string;
}

export const PROXY_CACHE_CONTROL = 'public, max-age=2';

/**
 * The ETag of an answer, computed without evaluating: from the flags, route, credential and
 * context. `notModified` when the caller's If-None-Match already holds it.
 */
export function answerEtag(
  live: LiveFlagSet,
  context: EvaluationContext,
  { routeKey, credentialId, selection, ifNoneMatch }: AnswerRequest,
): { etag: string; notModified: boolean } {
  // When a flag reads the clock and the caller did not fix the time, the answer only holds
  // for a period of time: the tag names the period it was computed in.
  const period =
    live.clockPeriod !== undefined && context.currentTime === undefined
      ? `.${live.clockPeriod(Date.now())}`
      : '';
  const etag = evaluationEtag(
    `${live.snapshot.fingerprint}${period}`,
    `${routeKey}${selection.names ? `|${selection.names.join(',')}` : ''}`,
    credentialId,
    canonicalContext(context),
  );
  // The tag covers method, route, flag names and context, so a POST can revalidate too:
  // unleash-proxy-client in POST mode sends If-None-Match.
  return { etag, notModified: ifNoneMatchHits(ifNoneMatch, etag) };
}

/**
 * The ETag (see `answerEtag`) and, unless the caller's If-None-Match holds it, the flags
 * evaluated for the context, as JSON: the routes' answer (the fast lane evaluates later).
 */
function answerFor(live: LiveFlagSet, context: EvaluationContext, request: AnswerRequest): Answer {
  const { etag, notModified } = answerEtag(live, context, request);
  if (notModified) return { etag, body: undefined };
  const toggles = live.evaluator.evaluate(context, request.selection.names);
  return { etag, body: togglesBody(toggles, request.selection.onlyEnabled) };
}

/** The answer of the /proxy routes, on Koa. */
export function proxyAnswer(flags: LiveFlags, prepareContext: ContextPreparer): ProxyAnswer {
  return async (ctx, requested, selection) => {
    const live = flags.current();
    if (live === undefined) return; // unreachable: readiness is checked first
    const context = await prepareContext(requested, ctx);
    const answer = answerFor(live, context, {
      routeKey: `${ctx.method} ${ctx._matchedRoute ?? ctx.path}`,
      credentialId: ctx.state.credentialId ?? '',
      selection,
      ifNoneMatch: ctx.get('If-None-Match'),
    });
    ctx.set('ETag', answer.etag);
    ctx.set('Cache-Control', PROXY_CACHE_CONTROL);
    if (answer.body === undefined) {
      ctx.status = 304;
      return;
    }
    // Serialized from cached parts (http/toggles-json.ts): Koa (and koa-compress, for its
    // threshold) would otherwise stringify an object body twice per request.
    ctx.type = 'application/json';
    ctx.body = answer.body;
  };
}
