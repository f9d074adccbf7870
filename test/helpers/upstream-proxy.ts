import { expect } from 'vitest';
import { CLIENT_KEY } from './online-proxy.js';
import type { RunningProxy } from './start-proxy.js';

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

/** The names of the flags the proxy answers as enabled (asked with the test client key). */
export async function servedFlags(proxy: RunningProxy): Promise<string[]> {
  const response = await fetch(`${proxy.origin}/proxy?userId=alice`, {
    headers: { authorization: CLIENT_KEY },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { toggles: { name: string }[] };
  return body.toggles.map((toggle) => toggle.name).sort();
}
