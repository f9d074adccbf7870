import { afterEach, describe, expect, it } from 'vitest';
import { TEST_FLAGS } from '../fixtures/test-flags.js';
import { FakeUnleash } from '../helpers/fake-unleash.js';
import { CLIENT_KEY, type ProxyOnFake, startProxyOn } from '../helpers/online-proxy.js';

const API_ROUTES: readonly [method: string, path: string][] = [
  ['GET', '/proxy'],
  ['POST', '/proxy'],
  ['GET', '/proxy/all'],
  ['POST', '/proxy/all'],
];

describe('readiness', () => {
  const started: { stop: () => Promise<void> }[] = [];
  afterEach(async () => {
    for (const running of started.reverse()) await running.stop();
    started.length = 0;
  });

  async function proxyBehind(fake: FakeUnleash): Promise<ProxyOnFake> {
    const proxy = await startProxyOn(
      fake,
      { refreshInterval: 100, enableAllEndpoint: true },
      {},
      { waitUntilReady: false },
    );
    started.push(proxy);
    return proxy;
  }

  it('answers 503 on /proxy/health and every API route while Unleash is failing, 200 ok once it answers', async () => {
    const fake = await new FakeUnleash(TEST_FLAGS).start();
    started.push(fake);
    fake.setFault({ kind: 'status', status: 500 });
    const proxy = await proxyBehind(fake);

    const health = await fetch(`${proxy.origin}/proxy/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({
      statusCode: 503,
      code: 'NOT_READY',
      error: 'Service Unavailable',
      message: 'The proxy has not loaded its flags yet.',
    });
    for (const [method, path] of API_ROUTES) {
      const response = await fetch(`${proxy.origin}${path}`, {
        method,
        headers: { authorization: CLIENT_KEY },
      });
      expect(response.status, `${method} ${path}`).toBe(503);
      expect(await response.json()).toMatchObject({ code: 'NOT_READY' });
    }

    fake.setFault(undefined);
    await proxy.app.ready();
    const ready = await fetch(`${proxy.origin}/proxy/health`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toBe('ok');
    for (const [method, path] of API_ROUTES) {
      const response = await fetch(`${proxy.origin}${path}`, {
        method,
        headers: { authorization: CLIENT_KEY },
      });
      expect(response.status, `${method} ${path}`).toBe(200);
    }
  });

  it('answers 503 while the first answer of Unleash is slow', async () => {
    const fake = await new FakeUnleash(TEST_FLAGS).start();
    started.push(fake);
    fake.setFault({ kind: 'delay', ms: 1500 });
    const proxy = await proxyBehind(fake);
    expect((await fetch(`${proxy.origin}/proxy/health`)).status).toBe(503);
    await proxy.app.ready();
    expect((await fetch(`${proxy.origin}/proxy/health`)).status).toBe(200);
  });

  it('answers 503 when Unleash cannot be reached at all', async () => {
    const fake = await new FakeUnleash(TEST_FLAGS).start();
    const proxy = await proxyBehind(fake);
    await fake.stop();
    expect((await fetch(`${proxy.origin}/proxy/health`)).status).toBe(503);
    const response = await fetch(`${proxy.origin}/proxy`, {
      headers: { authorization: CLIENT_KEY },
    });
    expect(response.status).toBe(503);
  });

  it('needs no client key for /proxy/health', async () => {
    const fake = await new FakeUnleash(TEST_FLAGS).start();
    started.push(fake);
    const proxy = await proxyBehind(fake);
    await proxy.app.ready();
    const response = await fetch(`${proxy.origin}/proxy/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  });
});
