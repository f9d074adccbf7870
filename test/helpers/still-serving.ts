import { expect } from 'vitest';
import { DEMO_CLIENT_KEY } from '../../src/app.js';
import type { RunningProxy } from './start-proxy.js';

/** After a hostile request: an ordinary one on the bundled flags still gets its flags. */
export async function expectStillServing(proxy: RunningProxy): Promise<void> {
  const response = await fetch(`${proxy.origin}/proxy?userId=alice`, {
    headers: { authorization: DEMO_CLIENT_KEY },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { toggles: unknown[] };
  expect(body.toggles.length).toBeGreaterThan(0);
}
