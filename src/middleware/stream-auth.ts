import { hash } from 'node:crypto';
import type { Middleware } from 'koa';
import { EndpointDisabledError } from '../errors.js';
import type { ProxyState } from '../http/state.js';
import type { CredentialChecker } from './client-key-auth.js';
import { missingStreamCredential, presentedOfrepCredential } from './ofrep-auth.js';

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
 * Frontend event streams: a client key (or its stream token) in `token` in the query, as
 * browsers' EventSource sends no headers; else in the client key header, X-API-Key or
 * Authorization. Query strings are never logged (middleware/request-log.ts).
 */
export function requireStreamCredential(
  tokens: StreamTokens,
  clientKeyHeader: string,
): Middleware<ProxyState> {
  return async (ctx, next) => {
    const token = ctx.query.token;
    const presented =
      typeof token === 'string'
        ? token
        : ctx.get(clientKeyHeader) || presentedOfrepCredential((name) => ctx.get(name));
    const credential = tokens.check(presented);
    if (credential?.kind !== 'client-key') throw missingStreamCredential();
    ctx.state.credential = credential.kind;
    ctx.state.credentialId = credential.id;
    await next();
  };
}

/** PROXY_STREAMS_ENABLED=false: the stream routes answer 501. */
export function requireStreamsEnabled(enabled: boolean): Middleware<ProxyState> {
  return async (_ctx, next) => {
    if (!enabled) throw new EndpointDisabledError('PROXY_STREAMS_ENABLED');
    await next();
  };
}
