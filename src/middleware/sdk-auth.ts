import type { Middleware } from 'koa';
import { UnauthorizedError } from '../errors.js';
import type { ProxyState } from '../http/state.js';
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
    'A server-side SDK token (EXP_SERVER_SIDE_SDK_CONFIG_TOKENS) is required in the Authorization header.',
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

/** The full flag configuration is for backend SDKs only: tokens of EXP_SERVER_SIDE_SDK_CONFIG_TOKENS. */
export function requireServerToken(checker: CredentialChecker): Middleware<ProxyState> {
  return async (ctx, next) => {
    const token = ctx.get(SERVER_TOKEN_HEADER);
    const result = token === '' ? undefined : checker.check(token);
    if (result?.kind !== 'server-token') throw missingServerToken();
    ctx.state.credential = result.kind;
    ctx.state.credentialId = result.id;
    await next();
  };
}
