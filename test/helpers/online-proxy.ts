import type { CreateAppOptions } from '../../src/app.js';
import type { Env } from '../../src/config/load-config.js';
import { TEST_FLAGS } from '../fixtures/test-flags.js';
import { FakeUnleash, type UpstreamFault } from './fake-unleash.js';
import { type RunningProxy, type StartSettings, startProxy } from './start-proxy.js';

export const CLIENT_KEY = 'test-client-key';
export const API_TOKEN = 'default:development.test-api-token';

export interface OnlineProxy {
  fake: FakeUnleash;
  proxy: ProxyOnFake;
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

/** A proxy synced from a FakeUnleash, with requests that carry the client key. */
export interface ProxyOnFake extends RunningProxy {
  /** The proxy origin plus PROXY_BASE_PATH. */
  base: string;
  /** fetch against the proxy with the client key (unless headers say otherwise). */
  request: (path: string, init?: RequestInit) => Promise<Response>;
}

/**
 * For tests of Unleash down, slow or refusing: a fetch gives up after 1 s (unleash-client
 * retries twice, so a failure is reported within seconds), and no usage upload comes between.
 */
export const QUICK_UPSTREAM_FAILURES = {
  unleashTimeoutMs: 1_000,
  metricsInterval: 60_000,
} as const;

/**
 * The options of a proxy synced from `fake`: the test API token and client key (none of either
 * when `options` bring Unleash tokens of their own, `unleashApiTokens`), a poll every 200 ms,
 * unless `options` say otherwise. The fake may be stopped (a proxy starting while Unleash is
 * down): the proxy gets the URL the fake has or had.
 */
export function onlineOptions(fake: FakeUnleash, options: CreateAppOptions = {}): CreateAppOptions {
  return {
    unleashUrl: fake.lastUrl,
    ...(options.unleashApiTokens === undefined
      ? { unleashApiToken: API_TOKEN, clientKeys: [CLIENT_KEY] }
      : {}),
    refreshInterval: 200,
    ...options,
  };
}

/**
 * Starts a proxy synced from `fake` (see `onlineOptions`). `stop` stops the proxy, not the
 * fake, so that several proxies (a fleet, a restart) can share one fake.
 */
export async function startProxyOn(
  fake: FakeUnleash,
  options: CreateAppOptions = {},
  env: Env = {},
  start: StartSettings = {},
): Promise<ProxyOnFake> {
  const proxy = await startProxy(onlineOptions(fake, options), env, start);
  const base = `${proxy.origin}${proxy.app.config.proxyBasePath}`;
  return {
    ...proxy,
    base,
    request: (path, init = {}) =>
      fetch(`${base}${path}`, {
        ...init,
        headers: { authorization: CLIENT_KEY, ...(init.headers as Record<string, string>) },
      }),
  };
}

export interface OnlineStartSettings extends StartSettings {
  /** Unleash in trouble from the start: the fake answers this way until told otherwise. */
  upstreamFault?: UpstreamFault;
}

/**
 * Starts a FakeUnleash serving `flags` and a proxy synced from it (see `startProxyOn`), ready
 * to answer unless `start` says not to wait. `stop` stops both.
 */
export async function startOnlineProxy(
  options: CreateAppOptions = {},
  env: Env = {},
  flags: ConstructorParameters<typeof FakeUnleash>[0] = TEST_FLAGS,
  { upstreamFault, ...start }: OnlineStartSettings = {},
): Promise<OnlineProxy> {
  const fake = await new FakeUnleash(flags).start();
  fake.setFault(upstreamFault);
  let proxy: ProxyOnFake;
  try {
    proxy = await startProxyOn(fake, options, env, start);
  } catch (error) {
    await fake.stop();
    throw error;
  }
  return {
    fake,
    proxy,
    base: proxy.base,
    request: proxy.request,
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
