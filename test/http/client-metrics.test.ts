import { InMemoryStorageProvider, UnleashClient } from 'unleash-proxy-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CreateAppOptions } from '../../src/app.js';
import { usageFlags } from '../fixtures/usage-flags.js';
import { FakeUnleash } from '../helpers/fake-unleash.js';
import { startProxyOn } from '../helpers/online-proxy.js';
import type { RunningProxy } from '../helpers/start-proxy.js';
import { type FlagTotals, sumUsage } from '../helpers/usage-totals.js';
import { waitFor } from '../helpers/wait-for.js';

const CLIENT_KEY = 'frontend-key';
const SDK_TOKEN = 'server-sdk-token';

function proxyOptions(extra: CreateAppOptions = {}): CreateAppOptions {
  return {
    unleashApiToken: 'upstream-token',
    clientKeys: [CLIENT_KEY],
    serverSideSdkTokens: [SDK_TOKEN],
    refreshInterval: 1000,
    metricsInterval: 100,
    enableAllEndpoint: true,
    ...extra,
  };
}

/**
 * Runs the real browser SDK against the proxy: evaluates some flags, posts its counts, and
 * returns what it sent (captured with its 'sent' event) as the expected totals.
 */
async function reportWithBrowserSdk(
  origin: string,
  path: '/proxy' | '/proxy/all',
  evaluate: (client: UnleashClient) => void,
): Promise<Record<string, FlagTotals>> {
  const sent: unknown[] = [];
  const client = new UnleashClient({
    url: `${origin}${path}`,
    clientKey: CLIENT_KEY,
    appName: 'web-shop',
    context: { userId: 'alice' },
    disableRefresh: true,
    metricsInterval: 3600,
    metricsIntervalInitial: 0,
    storageProvider: new InMemoryStorageProvider(),
    fetch: globalThis.fetch.bind(globalThis),
  });
  client.on('sent', (payload: unknown) => sent.push(payload));
  try {
    await client.start();
    evaluate(client);
    await client.sendMetrics();
  } finally {
    client.stop();
  }
  expect(sent).toHaveLength(1);
  return sumUsage(sent);
}

function addTotals(...all: Record<string, FlagTotals>[]): Record<string, FlagTotals> {
  return sumUsage(all.map((toggles) => ({ bucket: { toggles } })));
}

describe('usage metrics from SDKs, forwarded to Unleash', () => {
  let upstream: FakeUnleash;
  let proxy: RunningProxy | undefined;

  beforeEach(async () => {
    upstream = await new FakeUnleash(usageFlags).start();
  });
  afterEach(async () => {
    await proxy?.stop();
    proxy = undefined;
    await upstream.stop();
  });

  it('delivers the counts the browser SDK sends, with the right totals', async () => {
    proxy = await startProxyOn(upstream, proxyOptions());
    const expected = await reportWithBrowserSdk(proxy.origin, '/proxy', (client) => {
      for (let i = 0; i < 7; i += 1) client.isEnabled('checkout');
      for (let i = 0; i < 3; i += 1) client.isEnabled('banner');
      for (let i = 0; i < 4; i += 1) client.getVariant('checkout');
      for (let i = 0; i < 2; i += 1) client.isEnabled('beta-segment');
    });
    expect(expected.checkout?.yes).toBe(11);
    expect(expected.banner?.no).toBe(3);

    await waitFor(() => upstream.deliveredMetrics().length > 0, 'an upload to Unleash');
    await proxy.stop();
    proxy = undefined;
    expect(sumUsage(upstream.deliveredMetrics())).toEqual(expected);
    const upload = upstream.deliveredMetrics()[0] as Record<string, unknown>;
    expect(upload).toMatchObject({ appName: 'unleash-proxy', platformName: 'node' });
    expect(upstream.requestsTo('/api/client/metrics')[0]?.headers.authorization).toBe(
      'upstream-token',
    );
  });

  it('keeps the counts while Unleash fails and sends them once when it recovers', async () => {
    proxy = await startProxyOn(upstream, proxyOptions());
    upstream.setMetricsStatus(500);
    const first = await reportWithBrowserSdk(proxy.origin, '/proxy', (client) => {
      for (let i = 0; i < 5; i += 1) client.isEnabled('checkout');
    });
    await waitFor(
      () => upstream.requestsTo('/api/client/metrics').filter((r) => r.status === 500).length >= 2,
      'two refused uploads',
    );
    const second = await reportWithBrowserSdk(proxy.origin, '/proxy/all', (client) => {
      for (let i = 0; i < 2; i += 1) client.isEnabled('checkout');
      for (let i = 0; i < 6; i += 1) client.getVariant('checkout');
      client.isEnabled('banner');
    });
    await waitFor(
      () => upstream.requestsTo('/api/client/metrics').filter((r) => r.status === 500).length >= 3,
      'a refused upload with both reports',
    );

    upstream.setMetricsStatus(202);
    const expected = addTotals(first, second);
    await waitFor(
      () => JSON.stringify(sumUsage(upstream.deliveredMetrics())) === JSON.stringify(expected),
      'the counts to arrive',
    );
    await proxy.stop();
    proxy = undefined;
    // Still exactly the totals after the final flush: nothing was sent twice.
    expect(sumUsage(upstream.deliveredMetrics())).toEqual(expected);
  });

  it('sends pending counts on close, and never counts its own evaluations', async () => {
    proxy = await startProxyOn(upstream, proxyOptions({ metricsInterval: 3_600_000 }));
    for (let i = 0; i < 10; i += 1) {
      const response = await fetch(`${proxy.origin}/proxy/all?userId=bob`, {
        headers: { authorization: CLIENT_KEY },
      });
      expect(response.status).toBe(200);
    }
    const expected = await reportWithBrowserSdk(proxy.origin, '/proxy', (client) => {
      for (let i = 0; i < 9; i += 1) client.isEnabled('beta-segment');
    });
    expect(upstream.deliveredMetrics()).toHaveLength(0);

    await proxy.stop();
    proxy = undefined;
    expect(sumUsage(upstream.deliveredMetrics())).toEqual(expected);
  });

  it('takes reports from backend SDK tokens and registrations from both kinds', async () => {
    proxy = await startProxyOn(upstream, proxyOptions({ metricsInterval: 3_600_000 }));
    const report = {
      appName: 'billing-service',
      instanceId: 'billing-1',
      connectionId: 'abc',
      platformName: 'node',
      bucket: {
        start: new Date().toISOString(),
        stop: new Date().toISOString(),
        toggles: { checkout: { yes: 1_000_000_000, no: 2, variants: { blue: 3 } } },
      },
      impactMetrics: [],
    };
    const post = (path: string, body: unknown, credential: string) =>
      fetch(`${proxy?.origin}${path}`, {
        method: 'POST',
        headers: { authorization: credential, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post('/proxy/client/metrics', report, SDK_TOKEN)).status).toBe(200);
    expect((await post('/proxy/client/metrics', report, 'wrong')).status).toBe(401);
    const registration = { appName: 'billing-service', instanceId: 'billing-1', strategies: [] };
    expect((await post('/proxy/client/register', registration, SDK_TOKEN)).status).toBe(200);
    expect((await post('/proxy/client/register', registration, CLIENT_KEY)).status).toBe(200);
    expect((await post('/proxy/client/register', { strategies: [] }, CLIENT_KEY)).status).toBe(400);
    expect((await post('/proxy/client/register', registration, 'wrong')).status).toBe(401);

    await proxy.stop();
    proxy = undefined;
    expect(sumUsage(upstream.deliveredMetrics())).toEqual({
      checkout: { yes: 1_000_000_000, no: 2, variants: { blue: 3 } },
    });
  });

  it('refuses absurd, negative, fractional and non-finite counts in the one error shape', async () => {
    proxy = await startProxyOn(upstream, proxyOptions());
    const send = (toggles: string) =>
      fetch(`${proxy?.origin}/proxy/client/metrics`, {
        method: 'POST',
        headers: { authorization: CLIENT_KEY, 'content-type': 'application/json' },
        body: `{"appName":"web","instanceId":"browser","bucket":{"start":"2024-01-01T00:00:00Z","stop":"2024-01-01T00:00:30Z","toggles":${toggles}}}`,
      });

    const huge = await send('{"checkout":{"yes":1e12,"no":0,"variants":{}}}');
    expect(huge.status).toBe(400);
    expect(await huge.json()).toMatchObject({
      statusCode: 400,
      code: 'BAD_REQUEST',
      error: 'Bad Request',
      details: { path: 'bucket.toggles.checkout.yes' },
    });
    for (const toggles of [
      '{"checkout":{"yes":-1,"no":0}}',
      '{"checkout":{"yes":1.5,"no":0}}',
      '{"checkout":{"yes":1e400,"no":0}}',
      '{"checkout":{"yes":"3","no":0}}',
      '{"checkout":{"yes":1,"no":0,"variants":{"blue":1e10}}}',
      '[]',
    ]) {
      const response = await send(toggles);
      expect(response.status, toggles).toBe(400);
    }
    await proxy.stop();
    proxy = undefined;
    expect(upstream.deliveredMetrics()).toHaveLength(0);
  });
});
