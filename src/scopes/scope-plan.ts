import { reduceScopes, type Scope, scopeOf } from './scope.js';
import { readTokenClaim } from './unleash-token.js';

/** A configured backend token given its own sync, with the scope its string claims. */
export interface PlannedScope {
  readonly token: string;
  /** Undefined for a `[]:` token until Unleash has said which projects it reads. */
  readonly scope: Scope | undefined;
}

/**
 * The scopes to sync for the configured tokens: the primary's claimed scope, and the other
 * tokens kept after dropping those another covers (the claimed ones first, then the `[]:` ones).
 */
export function planScopes(
  primaryToken: string,
  others: readonly string[],
): { primaryScope: Scope | undefined; kept: PlannedScope[] } {
  const claimed = (token: string) => {
    const claim = readTokenClaim(token);
    return claim.environment !== undefined && claim.projects !== undefined
      ? scopeOf(claim.environment, claim.projects)
      : undefined;
  };
  const primaryScope = claimed(primaryToken);
  // Edge's reduction: a token another covers adds no flags. `[]:` tokens cannot be compared
  // before Unleash answers, so each keeps its own sync.
  const known = others.flatMap((token) => {
    const scope = claimed(token);
    return scope === undefined ? [] : [{ token, scope }];
  });
  const kept = reduceScopes(
    primaryScope === undefined ? known : [{ token: primaryToken, scope: primaryScope }, ...known],
  ).filter((item) => item.token !== primaryToken);
  const unknown = others.filter((token) => claimed(token) === undefined);
  return {
    primaryScope,
    kept: [...kept, ...unknown.map((token) => ({ token, scope: undefined }))],
  };
}
