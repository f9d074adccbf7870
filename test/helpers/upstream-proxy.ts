import { expect } from 'vitest';
import type { CreateAppOptions } from '../../src/app.js';
import type { RunningProxy } from './start-proxy.js';

export const ONLINE_KEY = 'online-test-key';

/** Options for a proxy synced from a FakeUnleash at `url`. */
export function onlineOptions(url: string, refreshInterval: number): CreateAppOptions {
  return {
    unleashUrl: url,
    unleashApiToken: 'test-api-token',
    clientKeys: [ONLINE_KEY],
    refreshInterval,
    unleashTimeoutMs: 1_000,
    metricsInterval: 60_000,
  };
}

/** A flag list in Unleash's format: these names, each enabled for everyone. */
export function enabledFlags(...names: string[]): { features: unknown[] } {
  return {
    features: names.map((name) => ({
      name,
      enabled: true,
      strategies: [{ name: 'default', parameters: {}, constraints: [] }],
      variants: [],
    })),
  };
}

/** The names of the flags the proxy answers as enabled. */
export async function servedFlags(proxy: RunningProxy): Promise<string[]> {
  const response = await fetch(`${proxy.origin}/proxy?userId=alice`, {
    headers: { authorization: ONLINE_KEY },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { toggles: { name: string }[] };
  return body.toggles.map((toggle) => toggle.name).sort();
}
