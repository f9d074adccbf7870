import {
  InvalidTokenError,
  ScopeNotCoveredError,
  TokenValidationUnavailableError,
  WrongTokenTypeError,
} from '../errors.js';
import { ALL_PROJECTS, coversAllProjects, type Scope, scopeLabel, scopeOf } from './scope.js';
import type { ResolvedToken, TokenKind, TokenResolver } from './token-resolver.js';
import { tokenFromHeader } from './unleash-token.js';

/** The scopes this proxy synchronizes flags for (one per backend token kept after reduction). */
export interface SyncedScopes {
  /** The synchronized scopes of one environment; empty when none. */
  scopesIn(environment: string): readonly Scope[];
}

/** What a request may read: its token, and the part of the environment's flags it sees. */
export interface TokenGrant {
  readonly token: ResolvedToken;
  readonly environment: string;
  /** The token's projects (`['*']` for all), every one of them synchronized. */
  readonly projects: readonly string[];
}

/**
 * The projects of `wanted` that no synchronized scope of its environment includes, as a scope;
 * undefined when everything is covered. A token for every project needs a scope for every
 * project: a union of project scopes cannot prove that nothing is left out.
 */
export function uncoveredPart(wanted: Scope, synced: readonly Scope[]): Scope | undefined {
  if (synced.some(coversAllProjects)) return undefined;
  if (coversAllProjects(wanted)) return wanted;
  const have = new Set(synced.flatMap((scope) => scope.projects));
  const missing = wanted.projects.filter((project) => !have.has(project));
  return missing.length === 0 ? undefined : scopeOf(wanted.environment, missing);
}

/**
 * The one place that turns an Authorization header into a TokenGrant, for every dialect that
 * takes Unleash tokens. Statuses as Unleash's own APIs: 401 for a missing, malformed or unknown
 * token, 403 for a token of the wrong kind; 403 naming `projects:environment` for a token this
 * proxy has no flags for; 503 when Unleash cannot be asked about a token never seen before.
 */
export class TokenAccess {
  constructor(
    private readonly resolver: TokenResolver,
    private readonly synced: SyncedScopes,
  ) {}

  async authorize(header: string | undefined, accepted: TokenKind): Promise<TokenGrant> {
    const secret = tokenFromHeader(header);
    if (secret === undefined) {
      throw new InvalidTokenError(
        `An Unleash ${accepted} token is required in the Authorization header.`,
      );
    }
    const known = this.resolver.peek(secret);
    const token = known ?? (await this.resolveUnknown(secret));
    return this.grant(token, accepted);
  }

  /** The grant of an already resolved token (for dialects that resolve tokens themselves). */
  grant(token: ResolvedToken, accepted: TokenKind): TokenGrant {
    if (token.kind !== accepted) throw new WrongTokenTypeError(token.kind, accepted);
    const { scope } = token;
    const missing = uncoveredPart(scope, this.synced.scopesIn(scope.environment));
    if (missing !== undefined) throw new ScopeNotCoveredError(scopeLabel(missing));
    return {
      token,
      environment: scope.environment,
      projects: coversAllProjects(scope) ? [ALL_PROJECTS] : scope.projects,
    };
  }

  private async resolveUnknown(secret: string): Promise<ResolvedToken> {
    const resolution = await this.resolver.resolve(secret);
    if (resolution.status === 'valid') return resolution.token;
    if (resolution.status === 'unavailable') throw new TokenValidationUnavailableError();
    throw new InvalidTokenError('The token is not a valid Unleash token.');
  }
}
