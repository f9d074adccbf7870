import { afterEach, describe, expect, it } from 'vitest';
import type { Env } from '../../src/config/load-config.js';
import { CLIENT_KEY, type OnlineProxy, startOnlineProxy } from '../helpers/online-proxy.js';

const ORIGIN = 'https://app.example';

describe('CORS', () => {
  let online: OnlineProxy | undefined;
  afterEach(async () => {
    await online?.stop();
    online = undefined;
  });

  async function start(env: Env = {}): Promise<OnlineProxy> {
    online = await startOnlineProxy({}, env);
    return online;
  }

  function preflight(
    proxy: OnlineProxy,
    origin = ORIGIN,
    requestHeaders = 'authorization,content-type',
  ) {
    return fetch(`${proxy.base}/proxy`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': requestHeaders,
      },
    });
  }

  it("has the original's defaults on a request", async () => {
    const proxy = await start();
    const response = await proxy.request('/proxy', { headers: { origin: ORIGIN } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-expose-headers')).toBe('ETag');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it("has the original's defaults on a preflight: 204, GET/POST, 172800 s, requested headers allowed", async () => {
    const proxy = await start();
    const response = await preflight(proxy);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(response.headers.get('access-control-max-age')).toBe('172800');
    expect(response.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
    expect(await response.text()).toBe('');
  });

  it('needs no client key for a preflight', async () => {
    const proxy = await start();
    expect((await preflight(proxy)).status).toBe(204);
  });

  it('keeps the CORS headers on errors, so a browser can read a 401', async () => {
    const proxy = await start();
    const response = await fetch(`${proxy.base}/proxy`, { headers: { origin: ORIGIN } });
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('CORS_ORIGIN: a listed origin is reflected, others get no CORS headers', async () => {
    const proxy = await start({ CORS_ORIGIN: `${ORIGIN},https://other.example` });
    const allowed = await proxy.request('/proxy', { headers: { origin: 'https://other.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://other.example');
    expect(allowed.headers.get('vary')).toMatch(/origin/i);
    const refused = await proxy.request('/proxy', { headers: { origin: 'https://evil.example' } });
    expect(refused.status).toBe(200);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(proxy, ORIGIN)).headers.get('access-control-allow-origin')).toBe(
      ORIGIN,
    );
  });

  it('CORS_METHODS', async () => {
    const proxy = await start({ CORS_METHODS: 'GET' });
    expect((await preflight(proxy)).headers.get('access-control-allow-methods')).toBe('GET');
  });

  it('CORS_ALLOWED_HEADERS replaces the requested headers', async () => {
    const proxy = await start({ CORS_ALLOWED_HEADERS: 'Authorization,Content-Type' });
    const response = await preflight(proxy, ORIGIN, 'x-anything');
    expect(response.headers.get('access-control-allow-headers')).toBe('Authorization,Content-Type');
  });

  it('CORS_EXPOSED_HEADERS', async () => {
    const proxy = await start({ CORS_EXPOSED_HEADERS: 'ETag,X-Request-Id' });
    const response = await proxy.request('/proxy', { headers: { origin: ORIGIN } });
    expect(response.headers.get('access-control-expose-headers')).toBe('ETag,X-Request-Id');
  });

  it('CORS_CREDENTIALS: allows credentials and names the origin instead of *', async () => {
    const proxy = await start({ CORS_CREDENTIALS: 'true' });
    const response = await proxy.request('/proxy', { headers: { origin: ORIGIN } });
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect((await preflight(proxy)).headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('CORS_MAX_AGE', async () => {
    const proxy = await start({ CORS_MAX_AGE: '600' });
    expect((await preflight(proxy)).headers.get('access-control-max-age')).toBe('600');
  });

  it('CORS_OPTIONS_SUCCESS_STATUS', async () => {
    const proxy = await start({ CORS_OPTIONS_SUCCESS_STATUS: '200' });
    const response = await preflight(proxy);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('CORS_PREFLIGHT_CONTINUE passes the preflight on to the routes', async () => {
    const proxy = await start({ CORS_PREFLIGHT_CONTINUE: 'true' });
    const response = await preflight(proxy);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('allow')).toContain('POST');
  });

  it('answers an OPTIONS request that is not a preflight with the allowed methods', async () => {
    const proxy = await start();
    const response = await fetch(`${proxy.base}/proxy`, {
      method: 'OPTIONS',
      headers: { authorization: CLIENT_KEY },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('allow')).toContain('GET');
  });
});
