import type { Middleware } from 'koa';
import { type AppError, BadRequestError, UriTooLongError } from '../errors.js';
import type { ProxyState } from '../http/state.js';

export interface QueryLimits {
  readonly queryLimitBytes: number;
  readonly queryParameterLimit: number;
}

/** Percent-escapes in the strict sense: `%` and two hex digits, decoding to valid UTF-8. */
function decodesCleanly(part: string): boolean {
  try {
    decodeURIComponent(part.replaceAll('+', ' '));
    return true;
  } catch {
    return false;
  }
}

/**
 * What is wrong with a query string, checked before anything parses it: too long (414), too
 * many parameters or broken percent-encoding or UTF-8 (400). URLSearchParams would otherwise
 * accept `%zz` as text and turn invalid UTF-8 into U+FFFD, so two different user ids could read
 * as the same one. Undefined when nothing is.
 */
export function queryProblem(query: string, limits: QueryLimits): AppError | undefined {
  if (query === '') return undefined;
  if (Buffer.byteLength(query) > limits.queryLimitBytes) {
    return new UriTooLongError(limits.queryLimitBytes);
  }
  let parameters = 1;
  for (let at = query.indexOf('&'); at !== -1; at = query.indexOf('&', at + 1)) parameters += 1;
  if (parameters > limits.queryParameterLimit) {
    return new BadRequestError(
      `At most ${limits.queryParameterLimit} query parameters are accepted.`,
    );
  }
  if (query.includes('%') && !query.split(/[&=]/).every(decodesCleanly)) {
    return new BadRequestError('The query string is not valid percent-encoded UTF-8.');
  }
  return undefined;
}

/** Refuses a query string that breaks the limits (see `queryProblem`). */
export function queryLimits(limits: QueryLimits): Middleware<ProxyState> {
  return (ctx, next) => {
    const problem = queryProblem(ctx.querystring, limits);
    if (problem !== undefined) throw problem;
    return next();
  };
}
