import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_KEY, type OnlineProxy, startOnlineProxy } from '../helpers/online-proxy.js';

describe('routing', () => {
  let online: OnlineProxy | undefined;
  afterEach(async () => {
    await online?.stop();
    online = undefined;
  });

  it('answers 404 in the JSON error shape for an unknown path', async () => {
    online = await startOnlineProxy();
    for (const [method, path] of [
      ['GET', '/nope'],
      ['GET', '/proxy/nope'],
      ['GET', '/'],
      ['GET', '/proxy/all/extra'],
      ['POST', '/nope'],
      ['PURGE', '/nope'],
    ] as const) {
      const response = await online.request(path, { method });
      expect(response.status, path).toBe(404);
      expect(await response.json()).toEqual({
        statusCode: 404,
        code: 'NOT_FOUND',
        error: 'Not Found',
        message: 'No route matches this path.',
      });
    }
  });

  it('answers 405 with an Allow header for a known path and the wrong method', async () => {
    online = await startOnlineProxy();
    for (const [method, path] of [
      ['DELETE', '/proxy'],
      ['PUT', '/proxy'],
      ['POST', '/proxy/health'],
      ['PATCH', '/proxy/all'],
      ['PURGE', '/proxy'],
    ] as const) {
      const response = await online.request(path, { method });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get('allow')).toContain('GET');
      expect(await response.json()).toMatchObject({
        statusCode: 405,
        code: 'METHOD_NOT_ALLOWED',
        error: 'Method Not Allowed',
      });
    }
  });

  it('moves every route under PROXY_BASE_PATH, and the old paths answer 404', async () => {
    online = await startOnlineProxy({ enableAllEndpoint: true }, { PROXY_BASE_PATH: '/flags' });
    const headers = { authorization: CLIENT_KEY };
    const origin = online.proxy.origin;
    expect(online.base).toBe(`${origin}/flags`);

    expect((await fetch(`${origin}/flags/proxy`, { headers })).status).toBe(200);
    expect((await fetch(`${origin}/flags/proxy/all`, { headers })).status).toBe(200);
    const health = await fetch(`${origin}/flags/proxy/health`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok');
    const post = await fetch(`${origin}/flags/proxy`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ toggles: ['always-on'] }),
    });
    expect(post.status).toBe(200);

    for (const path of ['/proxy', '/proxy/all', '/proxy/health']) {
      const response = await fetch(`${origin}${path}`, { headers });
      expect(response.status, path).toBe(404);
      expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
    }
  });
});
