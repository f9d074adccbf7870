import type { CreateAppOptions } from '../../src/app.js';
import type { Env } from '../../src/config/load-config.js';
import { OFREP_FLAGS } from '../fixtures/ofrep-flags.js';
import type { FakeUnleash } from './fake-unleash.js';
import { CLIENT_KEY, startOnlineProxy } from './online-proxy.js';
import type { RunningProxy } from './start-proxy.js';

export interface OfrepProxy {
  fake: FakeUnleash;
  proxy: RunningProxy;
  /** Origin plus PROXY_BASE_PATH: the OFREP base URL. */
  base: string;
  /** POST a JSON body with the client key as a Bearer token. */
  post: (path: string, body: unknown, headers?: Record<string, string>) => Promise<Response>;
  stop: () => Promise<void>;
}

/** A FakeUnleash serving OFREP_FLAGS and a proxy synced from it (client key CLIENT_KEY). */
export async function startOfrepProxy(
  options: CreateAppOptions = {},
  env: Env = {},
): Promise<OfrepProxy> {
  const { fake, proxy, base, stop } = await startOnlineProxy(options, env, OFREP_FLAGS);
  return {
    fake,
    proxy,
    base,
    post: (path, body, headers = {}) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${CLIENT_KEY}`,
          'content-type': 'application/json',
          ...headers,
        },
        body: JSON.stringify(body),
      }),
    stop,
  };
}
