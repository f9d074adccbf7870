import { hash } from 'node:crypto';
import type { Middleware } from 'koa';
import type { ProxyState } from '../http/state.js';
import type { TokenAccess } from '../scopes/token-access.js';
import type { TokenKind } from '../scopes/token-resolver.js';

/**
 * Lets a request through with an Unleash token of `kind` in Authorization (bare or Bearer)
 * that some configured scope covers; the statuses are TokenAccess's. Sets the grant (the
 * environment and projects the request reads) and a non-reversible id of the token for ETags
 * and rate limits.
 */
export function requireUnleashToken(access: TokenAccess, kind: TokenKind): Middleware<ProxyState> {
  return async (ctx, next) => {
    const grant = await access.authorize(ctx.get('authorization'), kind);
    ctx.state.grant = grant;
    ctx.state.credential = 'unleash-token';
    ctx.state.credentialId = hash('sha256', grant.token.secret, 'hex').slice(0, 16);
    await next();
  };
}
