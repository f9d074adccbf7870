import type { ProxyContext } from '../../http/state.js';
import { presentedOfrepCredential } from '../../middleware/ofrep-auth.js';
import type { StreamTokens } from '../../middleware/stream-auth.js';
import { callerScopeKey } from '../../scopes/scope.js';

/** The event stream a bulk answer advertises, and the scope whose changes it announces. */
export interface OfrepStreamLink {
  /** The stream's URL (path and query), with the caller's stream credential. */
  readonly uri: string;
  /** The notifier's key of the caller's flags (`callerScopeKey`). */
  readonly scope: string;
}

/** Finds the stream link of an authorized bulk request. */
export type OfrepStreamLinks = (ctx: ProxyContext) => OfrepStreamLink;

/**
 * The stream links of OFREP bulk answers, `eventsPath` being `/ofrep/v1/events` under the base
 * path. A client key's link carries its stream token (a digest, never the key); an Unleash
 * frontend token's carries the token itself, which any instance of a fleet can check as the
 * frontend API does (frontend tokens are public by design; docs/ofrep-and-push.md).
 */
export function ofrepStreamLinks(tokens: StreamTokens, eventsPath: string): OfrepStreamLinks {
  const withToken = (token: string) => `${eventsPath}?token=${encodeURIComponent(token)}`;
  return (ctx) => {
    const { grant } = ctx.state;
    const scope = callerScopeKey(grant);
    if (grant !== undefined) return { uri: withToken(grant.token.secret), scope };
    const key = presentedOfrepCredential((name) => ctx.get(name));
    return { uri: withToken(tokens.tokenFor(key)), scope };
  };
}
