import type { ParameterizedContext } from 'koa';
import type { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { TokenGrant } from '../scopes/token-access.js';

/** What the middleware learns about a request, for the routes after it. */
export interface ProxyState {
  requestId: string;
  log: Logger;
  /** The caller's address, after TRUST_PROXY is applied. */
  clientIp: string;
  /** Which kind of credential the caller presented, once authorized. */
  credential?: 'client-key' | 'server-token' | 'unleash-token';
  /** For an Unleash token: its environment and projects (src/scopes). */
  grant?: TokenGrant;
  /** A short, non-reversible id of the credential, for ETags and rate limits. */
  credentialId?: string;
  /**
   * Set by a dialect whose protocol defines its own error fields (OFREP's `errorCode`): adds
   * them to the one error body the error handler writes.
   */
  errorFields?: (error: AppError) => Record<string, unknown>;
}

export type ProxyContext = ParameterizedContext<ProxyState>;
