/**
 * What an Unleash API token says about itself before anyone asks Unleash. Unleash writes its
 * tokens as `<projects>:<environment>.<secret>`: `<projects>` is one project name, `*` (every
 * project) or `[]` (several projects, listed only in Unleash's database); newer secrets have
 * the form `v2_<selector>_<secret>`. A token may also be an alias: any string, which only the
 * upstream can resolve. Nothing here trusts what it reads: the string only tells which
 * environment a token claims, and validation (scopes/token-resolver.ts) says what it is.
 */
export interface TokenClaim {
  /** The whole token as presented, after trimming and removing a `Bearer ` prefix. */
  readonly secret: string;
  /** The environment written in the token, undefined for an alias. */
  readonly environment: string | undefined;
  /**
   * The projects written in the token: `['*']` for every project, a single name, or
   * undefined when the string does not say (`[]:` tokens and aliases).
   */
  readonly projects: readonly string[] | undefined;
}

/** Longest token considered at all: longer strings are refused before any lookup or hashing. */
export const MAX_TOKEN_LENGTH = 512;

/**
 * The token of an `Authorization` header value: Unleash and Edge accept the bare token and
 * `Bearer <token>`. Undefined when the header is empty, too long or holds control characters.
 */
export function tokenFromHeader(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  const token = /^bearer\s+/i.test(trimmed) ? trimmed.replace(/^bearer\s+/i, '').trim() : trimmed;
  if (token === '' || token.length > MAX_TOKEN_LENGTH || /^bearer$/i.test(token)) return undefined;
  // Unleash tokens are printable ASCII without spaces; anything else cannot be one.
  if (!/^[\x21-\x7e]+$/.test(token)) return undefined;
  return token;
}

/**
 * Reads the projects and environment a token string claims. Follows Unleash Edge's reading:
 * the part before the first `:` is the project (`[]` for "several"), the part between that
 * `:` and the next `.` is the environment. A string without both separators is an alias.
 */
export function readTokenClaim(secret: string): TokenClaim {
  const colon = secret.indexOf(':');
  const dot = colon < 0 ? -1 : secret.indexOf('.', colon + 1);
  if (colon <= 0 || dot < 0 || dot === colon + 1 || dot === secret.length - 1) {
    return { secret, environment: undefined, projects: undefined };
  }
  const project = secret.slice(0, colon);
  const environment = secret.slice(colon + 1, dot);
  return {
    secret,
    environment,
    projects: project === '[]' ? undefined : [project],
  };
}

/**
 * A token configured locally as trusted (Edge's PRETRUSTED_TOKENS): either an Unleash token,
 * or Edge's legacy form `<any secret>@<environment>`, which grants every project of that
 * environment. Undefined when the string is neither, or does not say which projects it grants.
 */
export function readPretrustedToken(
  raw: string,
): { secret: string; environment: string; projects: readonly string[] } | undefined {
  const trimmed = raw.trim();
  const claim = readTokenClaim(trimmed);
  if (claim.environment !== undefined) {
    // A `[]:` token names no project, and `*:*` is an admin token: neither says what to serve.
    if (claim.projects === undefined || claim.environment === '*') return undefined;
    return { secret: trimmed, environment: claim.environment, projects: claim.projects };
  }
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) return undefined;
  return { secret: trimmed.slice(0, at), environment: trimmed.slice(at + 1), projects: ['*'] };
}
