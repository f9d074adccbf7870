import type { Middleware } from 'koa';
import { AppError, UnauthorizedError } from '../errors.js';
import type { ProxyState } from '../http/state.js';
import type { CredentialChecker } from './client-key-auth.js';

/** A known credential of a kind this API does not accept (a server-side SDK token). */
export class ForbiddenCredentialError extends AppError {
  constructor() {
    super(403, 'FORBIDDEN', 'This credential is not accepted here; use a client key.');
  }
}

/** The 401 of event streams, which take client keys (or their stream tokens) only. */
export function missingStreamCredential(): UnauthorizedError {
  return new UnauthorizedError(
    'A valid client key is required: Authorization: Bearer <key>, Authorization: <key> or X-API-Key: <key>.',
  );
}

export function missingOfrepCredential(): UnauthorizedError {
  return new UnauthorizedError(
    'A client key or an Unleash frontend token is required: Authorization: Bearer <key>, Authorization: <key> or X-API-Key: <key>.',
  );
}

/**
 * The credential as OpenFeature providers send it: `X-API-Key: <key>`, `Authorization:
 * Bearer <key>`, or a bare `Authorization: <key>` as Unleash clients send it. '' when absent.
 */
export function presentedOfrepCredential(header: (name: string) => string): string {
  const apiKey = header('X-API-Key');
  if (apiKey !== '') return apiKey;
  const authorization = header('Authorization');
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization);
  return bearer?.[1]?.trim() ?? authorization;
}

/**
 * OFREP routes: a client key in one of the forms above, else an Unleash frontend token checked
 * by the frontend API's own guard (`unleashToken`: the grant of an environment and projects, or
 * its 401/403). 401 without a credential, 403 for a server-side SDK token.
 */
export function requireOfrepCredential(
  checker: CredentialChecker,
  unleashToken: Middleware<ProxyState>,
): Middleware<ProxyState> {
  return async (ctx, next) => {
    const presented = presentedOfrepCredential((name) => ctx.get(name));
    const result = presented === '' ? undefined : checker.check(presented);
    if (presented === '') throw missingOfrepCredential();
    if (result === undefined) return unleashToken(ctx, next);
    if (result.kind !== 'client-key') throw new ForbiddenCredentialError();
    ctx.state.credential = result.kind;
    ctx.state.credentialId = result.id;
    await next();
  };
}
