import type { ParameterizedContext } from 'koa';
import type { Logger } from '../logger.js';

/** What the middleware learns about a request, for the routes after it. */
export interface ProxyState {
  requestId: string;
  log: Logger;
  /** The caller's address, after TRUST_PROXY is applied. */
  clientIp: string;
  /** Which kind of credential the caller presented, once authorized. */
  credential?: 'client-key' | 'server-token';
  /** A short, non-reversible id of the credential, for ETags and rate limits. */
  credentialId?: string;
}

export type ProxyContext = ParameterizedContext<ProxyState>;
