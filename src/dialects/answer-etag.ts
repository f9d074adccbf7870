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

/**
 * The ETag of an answer, computed without evaluating: from the flags, route, credential, the
 * flag names asked for and the context. `notModified` when the caller's If-None-Match already
 * holds it, so that a revalidation costs no evaluation.
 */
export function answerEtag(
  live: LiveFlagSet,
  context: EvaluationContext,
  { routeKey, credentialId, names, ifNoneMatch }: AnswerRequest,
): { etag: string; notModified: boolean } {
  // When a flag reads the clock and the caller did not fix the time, the answer only holds
  // for a period of time: the tag names the period it was computed in.
  const period =
    live.clockPeriod !== undefined && context.currentTime === undefined
      ? `.${live.clockPeriod(Date.now())}`
      : '';
  const etag = evaluationEtag(
    `${live.snapshot.fingerprint}${period}`,
    `${routeKey}${names ? `|${names.join(',')}` : ''}`,
    credentialId,
    canonicalContext(context),
  );
  // The tag covers method, route, flag names and context, so a POST can revalidate too:
  // unleash-proxy-client in POST mode sends If-None-Match.
  return { etag, notModified: ifNoneMatchHits(ifNoneMatch, etag) };
}

/**
 * The ETag of an answer already computed, for flag sets with a custom strategy (whose answers
 * may change with anything): a digest of the flags, route, credential, flag names and the
 * answer itself. A 304 then means the answer is the same, byte for byte.
 */
export function answerDigestEtag(
  live: LiveFlagSet,
  { routeKey, credentialId, names, ifNoneMatch }: AnswerRequest,
  body: string,
): { etag: string; notModified: boolean } {
  const etag = answerBodyEtag(
    live.snapshot.fingerprint,
    `${routeKey}${names ? `|${names.join(',')}` : ''}`,
    credentialId,
    body,
  );
  return { etag, notModified: ifNoneMatchHits(ifNoneMatch, etag) };
}
