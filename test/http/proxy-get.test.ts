import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  enabledNames,
  type OnlineProxy,
  startOnlineProxy,
  togglesOf,
} from '../helpers/online-proxy.js';

describe('GET /proxy', () => {
  let online: OnlineProxy;
  beforeAll(async () => {
    online = await startOnlineProxy();
  });
  afterAll(async () => {
    await online.stop();
  });

  it('answers only the enabled flags, each enabled', async () => {
    const response = await online.request('/proxy');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const toggles = await togglesOf(response);
    expect(toggles.map((toggle) => toggle.name).sort()).toEqual([
      'always-on',
      'from-localhost',
      'with-variant',
    ]);
    expect(toggles.every((toggle) => toggle.enabled)).toBe(true);
  });

  it('reads userId from the query', async () => {
    expect(await enabledNames(await online.request('/proxy?userId=alice'))).toContain('only-alice');
    expect(await enabledNames(await online.request('/proxy?userId=bob'))).not.toContain(
      'only-alice',
    );
  });

  it('reads sessionId from the query', async () => {
    expect(await enabledNames(await online.request('/proxy?sessionId=s-1'))).toContain(
      'needs-session',
    );
  });

  it('reads properties[key]=value as a custom property', async () => {
    expect(await enabledNames(await online.request('/proxy?properties[plan]=gold'))).toContain(
      'gold-plan',
    );
    expect(
      await enabledNames(
        await online.request(`/proxy?${encodeURIComponent('properties[plan]')}=gold`),
      ),
    ).toContain('gold-plan');
  });

  it('moves any other key into properties', async () => {
    expect(await enabledNames(await online.request('/proxy?plan=gold'))).toContain('gold-plan');
  });

  it('lets an explicit properties entry win over a loose key, in either order', async () => {
    const lose = await enabledNames(await online.request('/proxy?plan=gold&properties[plan]=free'));
    expect(lose).not.toContain('gold-plan');
    const win = await enabledNames(await online.request('/proxy?properties[plan]=gold&plan=free'));
    expect(win).toContain('gold-plan');
  });

  it('reads environment, appName and currentTime', async () => {
    expect(await enabledNames(await online.request('/proxy?environment=production'))).toContain(
      'production-only',
    );
    expect(await enabledNames(await online.request('/proxy?appName=shop'))).toContain('shop-app');
    expect(
      await enabledNames(await online.request('/proxy?currentTime=2031-05-01T00:00:00.000Z')),
    ).toContain('after-2030');
  });

  it('reads remoteAddress from the query instead of the connection', async () => {
    const names = await enabledNames(await online.request('/proxy?remoteAddress=10.9.9.9'));
    expect(names).not.toContain('from-localhost');
  });

  it('refuses a parameter given twice with 400', async () => {
    for (const query of ['userId=a&userId=b', 'plan=a&plan=b', 'properties[x]=1&properties[x]=2']) {
      const response = await online.request(`/proxy?${query}`);
      expect(response.status, query).toBe(400);
      expect(await response.json()).toMatchObject({
        statusCode: 400,
        code: 'BAD_REQUEST',
        error: 'Bad Request',
        message: expect.stringContaining('more than once'),
      });
    }
  });

  it('answers HEAD like GET, without a body', async () => {
    const response = await online.request('/proxy', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });
});
