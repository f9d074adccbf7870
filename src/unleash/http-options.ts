import type { HttpOptions } from 'unleash-client/lib/http-options.js';
import type { ProxyConfig } from '../config/load-config.js';

/**
 * How every request to Unleash is made (flag fetches, metrics, registration, token validation):
 * HTTP_OPTIONS_REJECT_UNAUTHORIZED and, from a program, the original's `httpOptions.agent`. As in unleash-client, an agent given replaces the default
 * one, TLS settings and HTTP(S)_PROXY support included.
 */
export function unleashHttpOptions(config: ProxyConfig): HttpOptions {
  const agent = config.programmatic.httpAgent;
  return {
    rejectUnauthorized: config.httpRejectUnauthorized,
    // Checked at boot to be a function; unleash-client calls it with each request's URL.
    ...(agent === undefined ? {} : { agent: agent as NonNullable<HttpOptions['agent']> }),
  };
}
