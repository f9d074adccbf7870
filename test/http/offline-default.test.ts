import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CLIENT_KEY } from '../../src/app.js';
import { type RunningProxy, startProxy } from '../helpers/start-proxy.js';

describe('offline mode on the bundled example flags', () => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await startProxy();
  });
  afterAll(async () => {
    await proxy.stop();
  });

  it('answers the demo key with the flags enabled for the context', async () => {
    const response = await fetch(`${proxy.origin}/proxy?userId=alice&country=NO`, {
      headers: { authorization: DEMO_CLIENT_KEY },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { toggles: { name: string; enabled: boolean }[] };
    const names = body.toggles.map((toggle) => toggle.name);
    expect(names).toContain('beta-program');
    expect(names).toContain('nordic-pricing');
    expect(names).not.toContain('maintenance-mode');
    expect(body.toggles.every((toggle) => toggle.enabled)).toBe(true);
  });

  it('refuses a request without a key', async () => {
    const response = await fetch(`${proxy.origin}/proxy`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
  });
});
