import type { Middleware } from 'koa';
import type { RequestedContext } from '../context/build-context.js';
import { NotReadyError } from '../errors.js';
import type { EvaluationService } from '../evaluation/evaluation-service.js';
import type { LiveFlagSet } from '../evaluation/live-flags.js';
import type { EvaluatedToggle, EvaluationContext } from '../evaluation/types.js';
import type { ProxyContext, ProxyState } from '../http/state.js';
import { answerDigestEtag, answerEtag } from './answer-etag.js';

/**
 * An evaluation endpoint is one route of a dialect (`/proxy`, the frontend API, OFREP...):
 *
 *   read the request -> (credential: the route's guards) -> scope: the caller's flag set
 *   -> context (defaults, enrichers) -> ETag / 304 -> evaluation service -> render
 *
 * A dialect writes the two ends, its reader and its renderer (plus its routes and their
 * OpenAPI); `evaluationHandler` and the services below are the same for every dialect.
 * See docs/architecture.md.
 */

/** Which flags a caller asked for; a dialect adds what its renderer needs. */
export interface FlagSelection {
  /** Exactly these flags, in this order (unknown ones disabled); undefined: every flag. */
  readonly names?: readonly string[];
}

/** What a dialect reads from a request: the context as the caller sent it and its selection. */
export interface EvaluationRequest<Selection extends FlagSelection> {
  readonly context: RequestedContext;
  readonly selection: Selection;
}

/** Reads a request; throws an AppError (a 4xx) for input it refuses. */
export type RequestReader<Selection extends FlagSelection> = (
  ctx: ProxyContext,
) => EvaluationRequest<Selection> | Promise<EvaluationRequest<Selection>>;

/**
 * The body of a 200, as JSON text, in the dialect's shape. `flagSet` is the set the toggles
 * were evaluated against, for a dialect that describes flags by their definition (OFREP's
 * value types); it may throw an AppError for a flag it cannot render.
 */
export type Renderer<Selection extends FlagSelection> = (
  toggles: readonly EvaluatedToggle[],
  selection: Selection,
  flagSet: LiveFlagSet,
) => string;

/** One evaluation route of a dialect: the parts that are its own. */
export interface EvaluationEndpoint<Selection extends FlagSelection> {
  readonly read: RequestReader<Selection>;
  readonly render: Renderer<Selection>;
  /** The Cache-Control header of its 200s and 304s. */
  readonly cacheControl: string;
}

/** The flag set a caller's request is evaluated against (its environment, say); undefined until loaded. */
export type FlagSetResolver = (ctx: ProxyContext) => LiveFlagSet | undefined;

/** Turns what the caller sent into the context flags are evaluated against (defaults, enrichers). */
export type ContextPreparer = (
  requested: RequestedContext,
  ctx: ProxyContext,
) => Promise<EvaluationContext> | EvaluationContext;

/** What every dialect's endpoints share, built once by the app. */
export interface EvaluationPipeline {
  readonly flagSetOf: FlagSetResolver;
  readonly prepareContext: ContextPreparer;
  readonly service: EvaluationService;
}

/**
 * The route handler of an evaluation endpoint, run after the route's guards (readiness, rate
 * limits, credential) have let the request in.
 */
export function evaluationHandler<Selection extends FlagSelection>(
  endpoint: EvaluationEndpoint<Selection>,
  { flagSetOf, prepareContext, service }: EvaluationPipeline,
): Middleware<ProxyState> {
  return async (ctx) => {
    // Readers and context steps without I/O answer synchronously: not awaiting those saves a
    // microtask each on the hot path.
    const read = endpoint.read(ctx);
    const { context: requested, selection } = read instanceof Promise ? await read : read;
    const flagSet = flagSetOf(ctx);
    if (flagSet === undefined) throw new NotReadyError(); // the readiness guard comes first
    const prepared = prepareContext(requested, ctx);
    const context = prepared instanceof Promise ? await prepared : prepared;
    const request = {
      routeKey: `${ctx.method} ${ctx._matchedRoute ?? ctx.path}`,
      credentialId: ctx.state.credentialId ?? '',
      names: selection.names,
      ifNoneMatch: ctx.get('If-None-Match'),
    };
    ctx.set('Cache-Control', endpoint.cacheControl);
    // A custom strategy's answer can only be known unchanged by computing it: evaluate, then
    // tag the answer itself. Otherwise the tag is known before evaluating, and a 304 costs none.
    if (flagSet.tagsAnswers) {
      const body = endpoint.render(
        await service.evaluate(flagSet, context, selection.names),
        selection,
        flagSet,
      );
      const { etag, notModified } = answerDigestEtag(flagSet, request, body);
      ctx.set('ETag', etag);
      if (notModified) ctx.status = 304;
      else sendJson(ctx, body);
      return;
    }
    const { etag, notModified } = answerEtag(flagSet, context, request);
    ctx.set('ETag', etag);
    if (notModified) {
      ctx.status = 304;
      return;
    }
    const toggles = await service.evaluate(flagSet, context, selection.names);
    sendJson(ctx, endpoint.render(toggles, selection, flagSet));
  };
}

/**
 * A string, rendered from cached parts: Koa (and koa-compress, for its threshold) would
 * otherwise stringify an object body twice per request.
 */
function sendJson(ctx: ProxyContext, body: string): void {
  ctx.type = 'application/json';
  ctx.body = body;
}
