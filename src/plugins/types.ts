import type { EvaluationContext } from '../evaluation/types.js';

/**
 * What an enricher sees of the request, read-only: header names are lower-case and the
 * client key header is left out, so that an enricher cannot leak the key.
 */
export interface RequestView {
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  /** The caller's address after TRUST_PROXY. */
  readonly clientIp: string;
}

/** Changes the context before flags are evaluated; enrichers run in order on every request. */
export type ContextEnricher = (
  context: EvaluationContext,
  request: RequestView,
) => EvaluationContext | Promise<EvaluationContext>;
