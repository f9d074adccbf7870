import { canonicalContext } from '../context/build-context.js';
import type { LiveFlagSet } from '../evaluation/live-flags.js';
import type { EvaluationContext } from '../evaluation/types.js';
import { answerBodyEtag, evaluationEtag, ifNoneMatchHits } from '../http/etag.js';

/** What names an answer besides the flags and the context: the request line and the caller. */
export interface AnswerRequest {
  /** Method and route template, e.g. `GET /proxy`. */
  readonly routeKey: string;
  readonly credentialId: string;
  /** The flags asked for by name, when the caller named them. */
  readonly names: readonly string[] | undefined;
  /** The If-None-Match header, '' when absent. */
  readonly ifNoneMatch: string;
}

/** What the last tag of a `TaggedContext` was computed from, and the tag. */
interface LastTag {
  readonly version: string;
  readonly routeKey: string;
  readonly credentialId: string;
  readonly names: readonly string[] | undefined;
  readonly etag: string;
}

/**
 * A prepared context and the ETag of its answer, computed without evaluating: from the flags,
 * route, credential, the flag names asked for and the context. The handler keeps one per
 * query string and client IP (see `evaluationHandler`), so that a revalidation repeated by the
 * same caller costs neither parsing nor hashing: the context's canonical form is computed
 * once, and the tag again only when the flags, route, credential or names changed since the
 * last request that shared it.
 */
export class TaggedContext {
  private canonical: string | undefined;
  private last: LastTag | undefined;

  constructor(readonly context: EvaluationContext) {}

  /** The tag, and `notModified` when If-None-Match already holds it: a 304 costs no evaluation. */
  answerEtag(live: LiveFlagSet, request: AnswerRequest): { etag: string; notModified: boolean } {
    const version = flagsVersion(live, this.context);
    const { routeKey, credentialId, names } = request;
    let last = this.last;
    if (
      last === undefined ||
      last.version !== version ||
      last.routeKey !== routeKey ||
      last.credentialId !== credentialId ||
      last.names !== names
    ) {
      this.canonical ??= canonicalContext(this.context);
      const etag = evaluationEtag(
        version,
        `${routeKey}${names ? `|${names.join(',')}` : ''}`,
        credentialId,
        this.canonical,
      );
      last = { version, routeKey, credentialId, names, etag };
      this.last = last;
    }
    // The tag covers method, route, flag names and context, so a POST can revalidate too:
    // unleash-proxy-client in POST mode sends If-None-Match.
    return { etag: last.etag, notModified: ifNoneMatchHits(request.ifNoneMatch, last.etag) };
  }
}

/**
 * The flags' part of a tag: their fingerprint and, when a flag reads the clock and the caller
 * did not fix the time, the period it was computed in (the answer only holds for that period).
 */
function flagsVersion(live: LiveFlagSet, context: EvaluationContext): string {
  return live.clockPeriod !== undefined && context.currentTime === undefined
    ? `${live.snapshot.fingerprint}.${live.clockPeriod(Date.now())}`
    : live.snapshot.fingerprint;
}

/**
 * The ETag of an answer already computed, for flag sets with a custom strategy (whose answers
 * may change with anything): a digest of the flags, route, credential, flag names and the
 * answer itself. A 304 then means the answer is the same, byte for byte.
 */
export function answerDigestEtag(
  live: LiveFlagSet,
  { routeKey, credentialId, names, ifNoneMatch }: AnswerRequest,
  body: string | Buffer,
): { etag: string; notModified: boolean } {
  const etag = answerBodyEtag(
    live.snapshot.fingerprint,
    `${routeKey}${names ? `|${names.join(',')}` : ''}`,
    credentialId,
    body,
  );
  return { etag, notModified: ifNoneMatchHits(ifNoneMatch, etag) };
}
