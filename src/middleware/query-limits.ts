import type { Middleware } from 'koa';
import { BadRequestError, UriTooLongError } from '../errors.js';
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
 * Refuses a query string before anything parses it: too long (414), too many parameters or
 * broken percent-encoding or UTF-8 (400). URLSearchParams would otherwise accept `%zz` as text
 * and turn invalid UTF-8 into U+FFFD, so two different user ids could read as the same one.
 */
export function queryLimits(limits: QueryLimits): Middleware<ProxyState> {
  return async (ctx, next) => {
    const query = ctx.querystring;
    if (query !== '') {
      if (Buffer.byteLength(query) > limits.queryLimitBytes) {
        throw new UriTooLongError(limits.queryLimitBytes);
      }
      let parameters = 1;
      for (let at = query.indexOf('&'); at !== -1; at = query.indexOf('&', at + 1)) parameters += 1;
      if (parameters > limits.queryParameterLimit) {
        throw new BadRequestError(
          `At most ${limits.queryParameterLimit} query parameters are accepted.`,
        );
      }
      if (query.includes('%') && !query.split(/[&=]/).every(decodesCleanly)) {
        throw new BadRequestError('The query string is not valid percent-encoded UTF-8.');
      }
    }
    await next();
  };
}
