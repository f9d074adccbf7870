import { hash } from 'node:crypto';
import type { Middleware } from 'koa';
import type { ProxyContext, ProxyState } from '../http/state.js';
import type { TokenAccess } from '../scopes/token-access.js';
import type { TokenKind } from '../scopes/token-resolver.js';

/**
 * Lets a request through with an Unleash token of `kind` in Authorization (bare or Bearer)
 * that some configured scope covers; the statuses are TokenAccess's. Sets the grant (the
 * environment and projects the request reads) and a non-reversible id of the token for ETags
 * and rate limits. `presented` reads the token: Authorization by default; OFREP also takes
 * X-API-Key.
 */
export function requireUnleashToken(
  access: TokenAccess,
  kind: TokenKind,
  presented: (ctx: ProxyContext) => string = (ctx) => ctx.get('authorization'),
): Middleware<ProxyState> {
  return async (ctx, next) => {
    const grant = await access.authorize(presented(ctx), kind);
    ctx.state.grant = grant;
    ctx.state.credential = 'unleash-token';
    ctx.state.credentialId = unleashTokenId(grant.token.secret);
    await next();
  };
}

/** The non-reversible id of an Unleash token in `ctx.state.credentialId`. */
export function unleashTokenId(secret: string): string {
  return hash('sha256', secret, 'hex').slice(0, 16);
}
