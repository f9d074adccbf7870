/**
 * Unleash-issued tokens and the scopes they read, for every dialect that takes them
 * (`/api/frontend`, `/api/client`, OFREP, streams). The interface:
 *
 * - `createTokenAccess(config, logger, synced)` builds the one `TokenAccess` of the app.
 * - `access.authorize(authorizationHeader, 'frontend' | 'backend')` resolves to a
 *   `TokenGrant { token, environment, projects }` or throws the AppError to answer with:
 *   401 INVALID_TOKEN (missing, malformed, unknown), 403 WRONG_TOKEN_TYPE, 403
 *   SCOPE_NOT_COVERED (details.missing is `projects:environment`), 503
 *   TOKEN_VALIDATION_UNAVAILABLE (Unleash unreachable and the token never seen).
 * - `access.resolver.onRevoked(listener)` tells when revalidation found a token revoked.
 * - `includesProject(scope, project)` filters flags to a grant's projects.
 *
 * `synced` says which scopes have flags (one per configured backend token kept after
 * `reduceScopes`); the flag sets themselves live with the sync (src/unleash).
 */
import type { ProxyConfig } from '../config/load-config.js';
import type { Logger } from '../logger.js';
import { unleashHttpOptions } from '../unleash/http-options.js';
import { createTokenValidator } from '../unleash/token-validation.js';
import { NO_UPSTREAM_TRACING, type UpstreamTracer } from '../unleash/upstream-tracer.js';
import { scopeOf } from './scope.js';
import { type SyncedScopes, TokenAccess } from './token-access.js';
import { type ResolvedToken, TokenResolver } from './token-resolver.js';

export {
  ALL_FLAGS_SCOPE,
  ALL_PROJECTS,
  callerScopeKey,
  covers,
  coversAllProjects,
  includesProject,
  reduceScopes,
  type Scope,
  scopeFromKey,
  scopeKey,
  scopeLabel,
  scopeOf,
} from './scope.js';
export { type SyncedScopes, TokenAccess, type TokenGrant, uncoveredPart } from './token-access.js';
export {
  type Resolution,
  type ResolvedToken,
  type TokenKind,
  TokenResolver,
  tokenKindOf,
} from './token-resolver.js';
export { readTokenClaim, type TokenClaim, tokenFromHeader } from './unleash-token.js';

/** Builds the token resolver (validation with Unleash when online) and the access check. */
export function createTokenAccess(
  config: ProxyConfig,
  logger: Logger,
  synced: SyncedScopes,
  upstream: UpstreamTracer = NO_UPSTREAM_TRACING,
): { access: TokenAccess; resolver: TokenResolver } {
  const trusted: ResolvedToken[] = config.trustedTokens.map((token) =>
    Object.freeze({
      secret: token.secret,
      kind: 'frontend' as const,
      scope: scopeOf(token.environment, token.projects),
      source: 'trusted' as const,
    }),
  );
  const validate =
    config.mode === 'online' && config.unleashUrl !== undefined
      ? createTokenValidator({
          unleashUrl: config.unleashUrl,
          appName: config.unleashAppName,
          instanceId: config.unleashInstanceId,
          timeoutMs: config.unleashTimeoutMs,
          httpOptions: unleashHttpOptions(config),
          upstream,
        })
      : undefined;
  const resolver = new TokenResolver({
    validate,
    trusted,
    revalidateEveryMs: config.tokenRevalidationIntervalSeconds * 1000,
    invalidForMs: config.invalidTokenCacheSeconds * 1000,
    logger,
  });
  return { access: new TokenAccess(resolver, synced), resolver };
}
