import { InMemoryStorageProvider, UnleashClient } from 'unleash-proxy-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_FLAGS } from '../fixtures/test-flags.js';
import { FakeUnleash } from '../helpers/fake-unleash.js';
import { type RunningProxy, startProxy } from '../helpers/start-proxy.js';

const FRONTEND_KEY = 'frontend-key-from-the-old-setup';

/**
 * unleash-proxy-client, the browser SDK, run in Node against a proxy configured exactly as a
 * user of the original Unleash Proxy would have configured theirs: environment variables only.
 */
describe('unleash-proxy-client against the proxy started with the original variables', () => {
  let fake: FakeUnleash;
  let proxy: RunningProxy;
  const clients: UnleashClient[] = [];

  beforeAll(async () => {
    fake = await new FakeUnleash(TEST_FLAGS).start();
    proxy = await startProxy(
      {},
      {
        UNLEASH_URL: fake.url,
        UNLEASH_API_TOKEN: 'default:development.server-token',
        UNLEASH_PROXY_SECRETS: FRONTEND_KEY,
        UNLEASH_APP_NAME: 'proxy-under-test',
        UNLEASH_FETCH_INTERVAL: '200',
        UNLEASH_METRICS_INTERVAL: '60000',
        PROXY_PORT: '0',
      },
    );
  });
  afterAll(async () => {
    for (const client of clients) client.stop();
    await proxy.stop();
    await fake.stop();
  });

  function sdk(options: { usePOSTrequests?: boolean; context?: Record<string, string> } = {}) {
    const client = new UnleashClient({
      url: `${proxy.origin}/proxy`,
      clientKey: FRONTEND_KEY,
      appName: 'shop',
      fetch,
      storageProvider: new InMemoryStorageProvider(),
      disableRefresh: true,
      disableMetrics: true,
      ...(options.usePOSTrequests ? { usePOSTrequests: true } : {}),
      ...(options.context ? { context: options.context } : {}),
    });
    clients.push(client);
    return client;
  }

  it('the proxy used the upstream it was given', () => {
    expect(fake.requestsTo('/api/client/features')[0]?.headers.authorization).toBe(
      'default:development.server-token',
    );
  });

  it('isEnabled and getVariant answer from the proxy', async () => {
    const client = sdk();
    await client.start();
    expect(client.getError()).toBeUndefined();
    expect(client.isEnabled('always-on')).toBe(true);
    expect(client.isEnabled('always-off')).toBe(false);
    expect(client.isEnabled('no-such-flag')).toBe(false);
    // The SDK sends its appName, which the shop-app flag is constrained on.
    expect(client.isEnabled('shop-app')).toBe(true);
    expect(client.getVariant('with-variant')).toMatchObject({
      name: 'blue',
      enabled: true,
      feature_enabled: true,
      payload: { type: 'string', value: 'the blue one' },
    });
    expect(client.getVariant('always-on')).toMatchObject({ name: 'disabled', enabled: false });
  });

  it('updateContext re-evaluates for the new user and properties', async () => {
    const client = sdk();
    await client.start();
    expect(client.isEnabled('only-alice')).toBe(false);
    await client.updateContext({ userId: 'alice' });
    expect(client.isEnabled('only-alice')).toBe(true);
    await client.updateContext({ userId: 'bob', properties: { plan: 'gold' } });
    expect(client.isEnabled('only-alice')).toBe(false);
    expect(client.isEnabled('gold-plan')).toBe(true);
  });

  it('works the same with usePOSTrequests', async () => {
    const client = sdk({ usePOSTrequests: true, context: { userId: 'alice' } });
    await client.start();
    expect(client.getError()).toBeUndefined();
    expect(client.isEnabled('only-alice')).toBe(true);
    expect(client.isEnabled('always-off')).toBe(false);
    expect(client.getVariant('with-variant').name).toBe('blue');
  });

  it('gets 304 when it asks again for the same context', async () => {
    const client = sdk({ context: { userId: 'carol-304' } });
    await client.start();
    await client.updateToggles();
    const statuses = proxy
      .logs()
      .split('\n')
      .filter((line) => line.includes('route=/proxy '))
      .map((line) => /status=(\d+)/.exec(line)?.[1]);
    expect(statuses).toContain('304');
    expect(client.isEnabled('always-on')).toBe(true);
  });
});
