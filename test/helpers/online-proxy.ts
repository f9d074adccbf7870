import type { CreateAppOptions } from '../../src/app.js';
import type { Env } from '../../src/config/load-config.js';
import { TEST_FLAGS } from '../fixtures/test-flags.js';
import { FakeUnleash } from './fake-unleash.js';
import { type RunningProxy, startProxy } from './start-proxy.js';

export const CLIENT_KEY = 'test-client-key';
export const API_TOKEN = 'default:development.test-api-token';

export interface OnlineProxy {
  fake: FakeUnleash;
  proxy: RunningProxy;
  /** The proxy origin plus PROXY_BASE_PATH. */
  base: string;
  /** fetch against the proxy with the client key (unless headers say otherwise). */
  request: (path: string, init?: RequestInit) => Promise<Response>;
  stop: () => Promise<void>;
}

export interface Toggle {
  name: string;
  enabled: boolean;
  variant: {
    name: string;
    enabled: boolean;
    payload?: { type: string; value: string };
    feature_enabled: boolean;
    featureEnabled: boolean;
  };
  impressionData: boolean;
}

/** Starts a FakeUnleash serving `flags` and a proxy synced from it, ready to answer. */
export async function startOnlineProxy(
  options: CreateAppOptions = {},
  env: Env = {},
  flags: ConstructorParameters<typeof FakeUnleash>[0] = TEST_FLAGS,
): Promise<OnlineProxy> {
  const fake = await new FakeUnleash(flags).start();
  let proxy: RunningProxy;
  try {
    proxy = await startProxy(
      {
        unleashUrl: fake.url,
        unleashApiToken: API_TOKEN,
        clientKeys: [CLIENT_KEY],
        refreshInterval: 200,
        ...options,
      },
      env,
    );
  } catch (error) {
    await fake.stop();
    throw error;
  }
  const base = `${proxy.origin}${proxy.app.config.proxyBasePath}`;
  return {
    fake,
    proxy,
    base,
    request: (path, init = {}) =>
      fetch(`${base}${path}`, {
        ...init,
        headers: { authorization: CLIENT_KEY, ...(init.headers as Record<string, string>) },
      }),
    stop: async () => {
      await proxy.stop();
      await fake.stop();
    },
  };
}

/** POSTs a JSON body to the proxy with the client key. */
export function postJson(online: OnlineProxy, path: string, body: unknown): Promise<Response> {
  return online.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export async function togglesOf(response: Response): Promise<Toggle[]> {
  const body = (await response.json()) as { toggles: Toggle[] };
  return body.toggles;
}

export async function enabledNames(response: Response): Promise<string[]> {
  return (await togglesOf(response)).map((toggle) => toggle.name).sort();
}
