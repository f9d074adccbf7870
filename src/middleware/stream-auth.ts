import { hash } from 'node:crypto';
import type { Middleware } from 'koa';
import { EndpointDisabledError, UnauthorizedError } from '../errors.js';
import type { ProxyContext, ProxyState } from '../http/state.js';
import type { CredentialChecker } from './client-key-auth.js';
import {
  ForbiddenCredentialError,
  missingStreamCredential,
  presentedOfrepCredential,
} from './ofrep-auth.js';

/** What a stream token stands for: the credential it was derived from. */
export interface StreamCredential {
  readonly kind: 'client-key' | 'server-token';
  readonly id: string;
}

/**
 * Tokens for event stream URLs: a browser's EventSource cannot send headers, so the credential
 * rides in the URL. It is a digest of the key, never the key: a URL that ends up in a log or a
 * browser history opens the stream (which only says "refetch") and nothing else. The same key
 * gives the same token on every instance.
 */
export class StreamTokens {
  private readonly byToken = new Map<string, StreamCredential>();

  constructor(
    private readonly checker: CredentialChecker,
    secrets: readonly string[],
  ) {
    for (const secret of secrets) {
      const checked = checker.check(secret);
      if (checked !== undefined) this.byToken.set(this.tokenFor(secret), checked);
    }
  }

  tokenFor(secret: string): string {
    return hash('sha256', `unleash-koa-proxy stream\0${secret}`, 'base64url');
  }

  /** The credential of a stream token, or of a client key given in its place. */
  check(token: string): StreamCredential | undefined {
    if (token === '') return undefined;
    return this.byToken.get(token) ?? this.checker.check(token);
  }
}

/**
 * The credential in `token` of the query: browsers' EventSource sends no headers, so a stream's
 * credential rides in its URL. Undefined when absent; '' when given twice (never a credential).
 * Query strings are never logged (middleware/request-log.ts) nor traced (middleware/tracing.ts).
 */
export function urlCredential(ctx: ProxyContext): string | undefined {
  const token = ctx.query.token;
  if (token === undefined) return undefined;
  return typeof token === 'string' ? token : '';
}

/**
 * `/proxy/events`: a client key (or its stream token) in `token` in the query, else in the
 * client key header, X-API-Key or Authorization.
 */
export function requireStreamCredential(
  tokens: StreamTokens,
  clientKeyHeader: string,
): Middleware<ProxyState> {
  return async (ctx, next) => {
    const presented =
      urlCredential(ctx) ??
      (ctx.get(clientKeyHeader) || presentedOfrepCredential((name) => ctx.get(name)));
    const credential = tokens.check(presented);
    if (credential?.kind !== 'client-key') throw missingStreamCredential();
    ctx.state.credential = credential.kind;
    ctx.state.credentialId = credential.id;
    await next();
  };
}

/**
 * The Unleash frontend token of a stream request: `token` in the query, else Authorization
 * (bare or Bearer) as the frontend API reads it. Frontend tokens are public by design (they
 * ship in browser bundles), so the token itself rides in the URL: any instance of a fleet
 * checks it as the frontend API does, revocation included (docs/ofrep-and-push.md, "Stream
 * credentials").
 */
export function frontendStreamToken(ctx: ProxyContext): string {
  return urlCredential(ctx) ?? ctx.get('authorization');
}

/** OFREP's form of the same: `token` in the query, else Bearer, bare Authorization or X-API-Key. */
export function ofrepStreamToken(ctx: ProxyContext): string {
  return urlCredential(ctx) ?? presentedOfrepCredential((name) => ctx.get(name));
}

/**
 * `/ofrep/v1/events`: a client key or its stream token (the client keys' flags), else an
 * Unleash frontend token checked by the frontend API's own guard (`unleashToken`, reading
 * `ofrepStreamToken`: the grant of its scope, or its 401/403/503). A server-side SDK token
 * gets 403, as on OFREP's evaluation routes.
 */
export function requireOfrepStreamCredential(
  tokens: StreamTokens,
  clientKeyHeader: string,
  unleashToken: Middleware<ProxyState>,
): Middleware<ProxyState> {
  return async (ctx, next) => {
    const presented = urlCredential(ctx) ?? (ctx.get(clientKeyHeader) || ofrepStreamToken(ctx));
    if (presented === '') throw missingOfrepStreamCredential();
    const credential = tokens.check(presented);
    if (credential === undefined) return unleashToken(ctx, next);
    if (credential.kind !== 'client-key') throw new ForbiddenCredentialError();
    ctx.state.credential = credential.kind;
    ctx.state.credentialId = credential.id;
    await next();
  };
}

/** The 401 of OFREP's event stream without any credential. */
export function missingOfrepStreamCredential(): UnauthorizedError {
  return new UnauthorizedError(
    'A credential is required: the `token` of the stream URL advertised in `eventStreams`, or Authorization: Bearer <key>.',
  );
}

/** PROXY_STREAMS_ENABLED=false: the stream routes answer 501. */
export function requireStreamsEnabled(enabled: boolean): Middleware<ProxyState> {
  return async (_ctx, next) => {
    if (!enabled) throw new EndpointDisabledError('PROXY_STREAMS_ENABLED');
    await next();
  };
}
