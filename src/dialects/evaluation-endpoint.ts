import type { Middleware } from 'koa';
import { BoundedCache } from '../context/bounded-cache.js';
import type { RequestedContext } from '../context/build-context.js';
import { NotReadyError } from '../errors.js';
import type { EvaluationService } from '../evaluation/evaluation-service.js';
import type { LiveFlagSet } from '../evaluation/live-flags.js';
import type { EvaluatedToggle, EvaluationContext } from '../evaluation/types.js';
import type { ProxyContext, ProxyState } from '../http/state.js';
import { answerDigestEtag, TaggedContext } from './answer-etag.js';

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
 * The body of a 200, as JSON text (or its UTF-8 bytes), in the dialect's shape. `flagSet` is the set the toggles
 * were evaluated against, for a dialect that describes flags by their definition (OFREP's
 * value types); it may throw an AppError for a flag it cannot render.
 */
export type Renderer<Selection extends FlagSelection> = (
  toggles: readonly EvaluatedToggle[],
  selection: Selection,
  flagSet: LiveFlagSet,
) => string | Buffer;

/** One evaluation route of a dialect: the parts that are its own. */
export interface EvaluationEndpoint<Selection extends FlagSelection> {
  readonly read: RequestReader<Selection>;
  /**
   * For a reader that reads nothing of the request but one string (GET: the query string):
   * that string. Requests with the same key read the same, so the handler may keep what it
   * prepared for one of them. Left out when the reader reads more (a body, a path parameter).
   */
  readonly readKey?: (ctx: ProxyContext) => string;
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
  /**
   * When `prepareContext` reads nothing of the request but the requested context and a few
   * facts (the client IP, a token's environment): those facts as one string, so that requests
   * with the same requested context and key prepare the same context. Left out when it reads
   * more (location, device, custom enrichers): then nothing prepared is kept.
   */
  readonly contextKey?: (ctx: ProxyContext) => string;
}

/** What a request reads and prepares to, kept per query string and context key. */
interface PreparedRequest<Selection extends FlagSelection> {
  readonly tagged: TaggedContext;
  readonly selection: Selection;
}

/**
 * Distinct requests (query string and context key) whose prepared context is kept, per route,
 * times two (BoundedCache's generations): SDKs poll with the same query every few seconds,
 * most of them revalidating (304). An entry holds about 1 KB (a context with a few
 * properties), so a route keeps at most about 5 MB; a poller is found again when fewer than
 * 2,500 to 5,000 others revalidated on that route since its last poll.
 */
const PREPARED_REQUESTS_KEPT = 2_500;

/**
 * The route handler of an evaluation endpoint, run after the route's guards (readiness, rate
 * limits, credential) have let the request in.
 *
 * When the reader reads one string and the context step a few facts (`readKey`,
 * `contextKey`), what a revalidating request prepares to (its context, selection and ETag) is
 * kept for the next revalidation with the same ones, bounded: an SDK's next poll is then a
 * lookup. Flag sets with a custom strategy never share a prepared context (the strategy gets
 * the context object, and could change it).
 */
export function evaluationHandler<Selection extends FlagSelection>(
  endpoint: EvaluationEndpoint<Selection>,
  { flagSetOf, prepareContext, service, contextKey }: EvaluationPipeline,
): Middleware<ProxyState> {
  const { readKey } = endpoint;
  const kept =
    readKey !== undefined && contextKey !== undefined
      ? new BoundedCache<PreparedRequest<Selection>>(PREPARED_REQUESTS_KEPT)
      : undefined;

  /**
   * Reads and prepares the request: an AppError for bad input, 503 without flags. Readers and
   * context steps without I/O answer synchronously, and so does this then: not awaiting those
   * saves a promise and a microtask each.
   */
  function prepare(
    ctx: ProxyContext,
    flagSet: LiveFlagSet | undefined,
  ): PreparedRequest<Selection> | Promise<PreparedRequest<Selection>> {
    const read = endpoint.read(ctx);
    return read instanceof Promise
      ? read.then((request) => prepareRead(ctx, flagSet, request))
      : prepareRead(ctx, flagSet, read);
  }

  function prepareRead(
    ctx: ProxyContext,
    flagSet: LiveFlagSet | undefined,
    { context: requested, selection }: EvaluationRequest<Selection>,
  ): PreparedRequest<Selection> | Promise<PreparedRequest<Selection>> {
    if (flagSet === undefined) throw new NotReadyError(); // the readiness guard comes first
    const prepared = prepareContext(requested, ctx);
    return prepared instanceof Promise
      ? prepared.then((context) => ({ tagged: new TaggedContext(context), selection }))
      : { tagged: new TaggedContext(prepared), selection };
  }

  return async (ctx) => {
    const flagSet = flagSetOf(ctx);
    const ifNoneMatch = ctx.req.headers['if-none-match'] ?? '';
    // Only a revalidation (If-None-Match) is looked up and kept: a poller sends one from its
    // second request on, and a first request may be the caller's only one.
    const key =
      kept !== undefined && ifNoneMatch !== '' && flagSet !== undefined && !flagSet.tagsAnswers
        ? `${readKey?.(ctx)}\0${contextKey?.(ctx)}`
        : undefined;
    let request = key === undefined ? undefined : kept?.find(key);
    if (request === undefined) {
      const prepared = prepare(ctx, flagSet);
      request = prepared instanceof Promise ? await prepared : prepared;
      if (key !== undefined) kept?.set(key, request);
    }
    const { tagged, selection } = request;
    const live = flagSet as LiveFlagSet; // prepare() threw without one
    const answer = {
      routeKey: `${ctx.method} ${ctx._matchedRoute ?? ctx.path}`,
      credentialId: ctx.state.credentialId ?? '',
      names: selection.names,
      ifNoneMatch,
    };
    // Headers this handler owns, written straight to the response (ctx.set adds nothing here).
    const response = ctx.res;
    response.setHeader('Cache-Control', endpoint.cacheControl);
    // A custom strategy's answer can only be known unchanged by computing it: evaluate, then
    // tag the answer itself. Otherwise the tag is known before evaluating, and a 304 costs none.
    if (live.tagsAnswers) {
      const body = endpoint.render(
        await service.evaluate(live, tagged.context, selection.names),
        selection,
        live,
      );
      const { etag, notModified } = answerDigestEtag(live, answer, body);
      response.setHeader('ETag', etag);
      if (notModified) ctx.status = 304;
      else sendJson(ctx, body);
      return;
    }
    const { etag, notModified } = tagged.answerEtag(live, answer);
    response.setHeader('ETag', etag);
    if (notModified) {
      ctx.status = 304;
      return;
    }
    const toggles = await service.evaluate(live, tagged.context, selection.names);
    sendJson(ctx, endpoint.render(toggles, selection, live));
  };
}

/**
 * A string, rendered from cached parts: Koa (and koa-compress, for its threshold) would
 * otherwise stringify an object body twice per request. The Content-Type Koa's `ctx.type`
 * would write, written directly: it skips a MIME lookup and Koa's header normalisation per
 * request, and Koa's body setter keeps a Content-Type already set.
 */
function sendJson(ctx: ProxyContext, body: string | Buffer): void {
  ctx.res.setHeader('Content-Type', JSON_CONTENT_TYPE);
  ctx.body = body;
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
