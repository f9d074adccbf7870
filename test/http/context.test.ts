import { afterEach, describe, expect, it } from 'vitest';
import {
  enabledNames,
  type OnlineProxy,
  postJson,
  startOnlineProxy,
} from '../helpers/online-proxy.js';

describe('context building', () => {
  let online: OnlineProxy | undefined;
  afterEach(async () => {
    await online?.stop();
    online = undefined;
  });

  it('remoteAddress defaults to the address of the connection (127.0.0.1 here)', async () => {
    online = await startOnlineProxy();
    expect(await enabledNames(await online.request('/proxy'))).toContain('from-localhost');
    expect(await enabledNames(await postJson(online, '/proxy', { context: {} }))).toContain(
      'from-localhost',
    );
    const elsewhere = await postJson(online, '/proxy', { context: { remoteAddress: '10.1.1.1' } });
    expect(await enabledNames(elsewhere)).not.toContain('from-localhost');
  });

  it('ignores X-Forwarded-For by default', async () => {
    online = await startOnlineProxy();
    const response = await online.request('/proxy', { headers: { 'x-forwarded-for': '10.1.1.1' } });
    expect(await enabledNames(response)).toContain('from-localhost');
  });

  it('UNLEASH_ENVIRONMENT overrides the environment the caller sends', async () => {
    online = await startOnlineProxy({}, { UNLEASH_ENVIRONMENT: 'production' });
    expect(await enabledNames(await online.request('/proxy'))).toContain('production-only');
    expect(await enabledNames(await online.request('/proxy?environment=development'))).toContain(
      'production-only',
    );
    const post = await postJson(online, '/proxy', { context: { environment: 'development' } });
    expect(await enabledNames(post)).toContain('production-only');
  });

  it('without UNLEASH_ENVIRONMENT the caller chooses the environment', async () => {
    online = await startOnlineProxy();
    expect(await enabledNames(await online.request('/proxy'))).not.toContain('production-only');
    expect(await enabledNames(await online.request('/proxy?environment=production'))).toContain(
      'production-only',
    );
  });

  it('appName defaults to UNLEASH_APP_NAME and the caller may set it', async () => {
    online = await startOnlineProxy({}, { UNLEASH_APP_NAME: 'shop' });
    expect(await enabledNames(await online.request('/proxy'))).toContain('shop-app');
    expect(await enabledNames(await online.request('/proxy?appName=blog'))).not.toContain(
      'shop-app',
    );
  });

  it('drops an invalid currentTime and evaluates at the present time, GET and POST', async () => {
    online = await startOnlineProxy();
    const get = await online.request('/proxy?currentTime=not-a-date');
    expect(get.status).toBe(200);
    expect(await enabledNames(get)).not.toContain('after-2030');
    for (const currentTime of ['yesterday', 12345, { at: 'now' }]) {
      const post = await postJson(online, '/proxy', { context: { currentTime } });
      expect(post.status, JSON.stringify(currentTime)).toBe(200);
      expect(await enabledNames(post)).not.toContain('after-2030');
    }
    const future = await postJson(online, '/proxy', {
      context: { currentTime: '2031-01-01T00:00:00.000Z' },
    });
    expect(await enabledNames(future)).toContain('after-2030');
  });

  it('invents no sessionId: a flag sticky on sessionId stays off without one, GET and POST', async () => {
    online = await startOnlineProxy();
    expect(await enabledNames(await online.request('/proxy'))).not.toContain('needs-session');
    expect(await enabledNames(await postJson(online, '/proxy', {}))).not.toContain('needs-session');
    expect(await enabledNames(await online.request('/proxy?sessionId=abc'))).toContain(
      'needs-session',
    );
  });

  it('accepts numbers and booleans as custom properties', async () => {
    online = await startOnlineProxy();
    const response = await postJson(online, '/proxy', {
      context: { properties: { plan: 'gold', seats: 3, trial: false } },
    });
    expect(response.status).toBe(200);
    expect(await enabledNames(response)).toContain('gold-plan');
  });
});
