import { afterEach, describe, expect, it } from 'vitest';
import { ALL_FLAG_NAMES } from '../fixtures/test-flags.js';
import {
  type OnlineProxy,
  postJson,
  startOnlineProxy,
  togglesOf,
} from '../helpers/online-proxy.js';

describe('/proxy/all', () => {
  let online: OnlineProxy | undefined;
  afterEach(async () => {
    await online?.stop();
    online = undefined;
  });

  it('answers 501 on GET and POST unless ENABLE_ALL_ENDPOINT is true', async () => {
    online = await startOnlineProxy();
    for (const response of [
      await online.request('/proxy/all'),
      await postJson(online, '/proxy/all', {}),
    ]) {
      expect(response.status).toBe(501);
      expect(await response.json()).toEqual({
        statusCode: 501,
        code: 'ENDPOINT_DISABLED',
        error: 'Not Implemented',
        message: 'This endpoint is disabled; enable it with ENABLE_ALL_ENDPOINT=true.',
      });
    }
  });

  it('with ENABLE_ALL_ENDPOINT=true answers every flag, enabled or not', async () => {
    online = await startOnlineProxy({}, { ENABLE_ALL_ENDPOINT: 'true' });
    const toggles = await togglesOf(await online.request('/proxy/all?userId=alice'));
    expect(toggles.map((toggle) => toggle.name).sort()).toEqual([...ALL_FLAG_NAMES].sort());
    const byName = new Map(toggles.map((toggle) => [toggle.name, toggle.enabled]));
    expect(byName.get('always-off')).toBe(false);
    expect(byName.get('only-alice')).toBe(true);
  });

  it('POST answers every flag for the body context, or the listed ones', async () => {
    online = await startOnlineProxy({}, { ENABLE_ALL_ENDPOINT: 'true' });
    const all = await togglesOf(
      await postJson(online, '/proxy/all', { context: { userId: 'bob' } }),
    );
    expect(all).toHaveLength(ALL_FLAG_NAMES.length);
    expect(all.find((toggle) => toggle.name === 'only-alice')?.enabled).toBe(false);
    const listed = await togglesOf(
      await postJson(online, '/proxy/all', { toggles: ['always-off', 'unknown'] }),
    );
    expect(listed.map((toggle) => toggle.name)).toEqual(['always-off', 'unknown']);
  });

  it('still requires a client key when enabled', async () => {
    online = await startOnlineProxy({ enableAllEndpoint: true });
    const response = await fetch(`${online.base}/proxy/all`);
    expect(response.status).toBe(401);
  });
});
