import type { Middleware } from 'koa';
import { UnauthorizedError } from '../errors.js';
import type { ProxyContext, ProxyState } from '../http/state.js';
import type { CredentialChecker } from './client-key-auth.js';

/** Backend SDKs send their token in Authorization, whatever CLIENT_KEY_HEADER_NAME says. */
const SERVER_TOKEN_HEADER = 'authorization';

/** The 401 of routes open to both kinds of SDK; exported for the route documentation. */
export function missingSdkCredential(): UnauthorizedError {
  return new UnauthorizedError('A valid client key or server-side SDK token is required.');
}

/** The 401 of routes for backend SDKs only. */
export function missingServerToken(): UnauthorizedError {
  return new UnauthorizedError(
    'A server-side SDK token (EXP_SERVER_SIDE_SDK_CONFIG_TOKENS) is required in the Authorization header or in CLIENT_KEY_HEADER_NAME.',
  );
}

/**
 * Usage reports and registrations come from both kinds of SDK: a frontend SDK with a client
 * key in the configured header, a backend SDK with a server-side SDK token in Authorization.
 */
export function requireSdkCredential(
  checker: CredentialChecker,
  clientKeyHeader: string,
): Middleware<ProxyState> {
  return async (ctx, next) => {
    const presented = ctx.get(clientKeyHeader);
    let result = presented === '' ? undefined : checker.check(presented);
    if (result === undefined && clientKeyHeader !== SERVER_TOKEN_HEADER) {
      const token = ctx.get(SERVER_TOKEN_HEADER);
      const candidate = token === '' ? undefined : checker.check(token);
      if (candidate?.kind === 'server-token') result = candidate;
    }
    if (result === undefined) throw missingSdkCredential();
    ctx.state.credential = result.kind;
    ctx.state.credentialId = result.id;
    await next();
  };
}

/** The presented value of each header in turn, the configured one first, skipping empty ones. */
function presentedValues(ctx: ProxyContext, headers: readonly string[]): string[] {
  return [...new Set(headers)].map((name) => ctx.get(name)).filter((value) => value !== '');
}

/**
 * The full flag configuration is for backend SDKs only: tokens of
 * EXP_SERVER_SIDE_SDK_CONFIG_TOKENS. The original proxy read them from CLIENT_KEY_HEADER_NAME;
 * backend SDKs send Authorization by default. Both are read.
 */
export function requireServerToken(
  checker: CredentialChecker,
  clientKeyHeader: string,
): Middleware<ProxyState> {
  return requireServerTokenOr(checker, clientKeyHeader, async () => {
    throw missingServerToken();
  });
}

/**
 * Backend SDKs' routes that take both kinds of backend credential: a server-side SDK token
 * (the flags /proxy serves, as `requireServerToken`), else `unleashToken`, the Unleash backend
 * token guard of /api/client/features (its statuses: 401 unknown, 403 other kinds or scopes
 * not covered, 503 Unleash unreachable for a token never seen), which sets the grant.
 */
export function requireServerTokenOr(
  checker: CredentialChecker,
  clientKeyHeader: string,
  unleashToken: Middleware<ProxyState>,
): Middleware<ProxyState> {
  return async (ctx, next) => {
    const result = presentedValues(ctx, [clientKeyHeader, SERVER_TOKEN_HEADER])
      .map((value) => checker.check(value))
      .find((checked) => checked?.kind === 'server-token');
    if (result === undefined) {
      await unleashToken(ctx, next);
      return;
    }
    ctx.state.credential = result.kind;
    ctx.state.credentialId = result.id;
    await next();
  };
}
