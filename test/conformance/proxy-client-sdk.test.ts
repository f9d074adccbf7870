import { EVENTS, InMemoryStorageProvider, UnleashClient } from 'unleash-proxy-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeUnleash, type RecordedRequest } from '../helpers/fake-unleash.js';
import { startProxyOn } from '../helpers/online-proxy.js';
import { itNeedsMetricsRoute } from '../helpers/pending.js';
import { SDK_FLAGS, SDK_VARIANT, sdkFlagsState } from '../helpers/sdk-flags.js';
import type { RunningProxy } from '../helpers/start-proxy.js';

// unleash-proxy-client, the browser SDK, run in Node against the proxy in both of its modes.

const CLIENT_KEY = 'sdk-client-key';

interface Exchange {
  method: string;
  path: string;
  status: number;
}

/** The SDK's fetch, recording what it asked and the status it got (304s included). */
function recordingFetch(exchanges: Exchange[]): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    exchanges.push({ method: init?.method ?? 'GET', path: url.pathname, status: response.status });
    return response;
  };
}

/** Sum of the `yes` counts for one flag over every metrics report Unleash received. */
function yesCountUpstream(requests: readonly RecordedRequest[], flag: string): number {
  let sum = 0;
  for (const { body } of requests) {
    const toggles: unknown = (body as { bucket?: { toggles?: unknown } } | undefined)?.bucket
      ?.toggles;
    const counts = (toggles as Record<string, { yes?: unknown }> | undefined)?.[flag];
    if (typeof counts?.yes === 'number') sum += counts.yes;
  }
  return sum;
}

describe.each([
  { mode: 'GET', usePOSTrequests: false },
  { mode: 'POST', usePOSTrequests: true },
])('unleash-proxy-client in $mode mode', ({ usePOSTrequests }) => {
  let upstream: FakeUnleash;
  let proxy: RunningProxy;
  const clients: UnleashClient[] = [];

  beforeAll(async () => {
    upstream = await new FakeUnleash(sdkFlagsState()).start();
    proxy = await startProxyOn(upstream, {
      unleashApiToken: 'sdk-upstream-token',
      clientKeys: [CLIENT_KEY],
      refreshInterval: 500,
      metricsInterval: 500,
    });
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.stop();
  });

  afterAll(async () => {
    await proxy?.stop();
    await upstream?.stop();
  });

  function newClient(
    exchanges: Exchange[] = [],
    { clientKey = CLIENT_KEY, refreshInterval = 60 } = {},
  ): UnleashClient {
    const client = new UnleashClient({
      url: `${proxy.origin}/proxy`,
      clientKey,
      appName: 'sdk-conformance',
      refreshInterval,
      metricsInterval: 60,
      // The SDK's delayed first send is not cancelled by stop(); without a delay it is.
      metricsIntervalInitial: 0,
      usePOSTrequests,
      fetch: recordingFetch(exchanges),
      storageProvider: new InMemoryStorageProvider(),
    });
    clients.push(client);
    return client;
  }

  it('becomes ready with the flags, and evaluates isEnabled and getVariant', async () => {
    const client = newClient();
    const ready = new Promise<void>((resolve) => client.once(EVENTS.READY, () => resolve()));
    await client.start();
    await ready;

    expect(client.isEnabled(SDK_FLAGS.on)).toBe(true);
    expect(client.isEnabled(SDK_FLAGS.off)).toBe(false);
    expect(client.isEnabled(SDK_FLAGS.forAlice)).toBe(false);
    expect(client.isEnabled('no-such-flag')).toBe(false);
    expect(client.getVariant(SDK_FLAGS.withVariant)).toMatchObject({
      name: SDK_VARIANT.name,
      enabled: true,
      feature_enabled: true,
      payload: SDK_VARIANT.payload,
    });
    expect(client.getVariant(SDK_FLAGS.off)).toMatchObject({ name: 'disabled', enabled: false });
  });

  it('changes its answers when updateContext changes the user', async () => {
    const client = newClient();
    await client.start();
    expect(client.isEnabled(SDK_FLAGS.forAlice)).toBe(false);

    await client.updateContext({ userId: 'alice' });
    expect(client.isEnabled(SDK_FLAGS.forAlice)).toBe(true);

    await client.updateContext({ userId: 'bob' });
    expect(client.isEnabled(SDK_FLAGS.forAlice)).toBe(false);
  });

  it('gets a 304 from the proxy when it polls again and nothing changed', async () => {
    const exchanges: Exchange[] = [];
    const client = newClient(exchanges, { refreshInterval: 1 });
    await client.start();
    const polls = () => exchanges.filter((exchange) => exchange.path === '/proxy');
    await vi.waitFor(() => expect(polls().length).toBeGreaterThanOrEqual(2), {
      timeout: 10_000,
      interval: 100,
    });
    expect(
      polls()
        .slice(0, 2)
        .map((poll) => poll.status),
    ).toEqual([200, 304]);
    expect(client.isEnabled(SDK_FLAGS.on)).toBe(true);
  });

  itNeedsMetricsRoute('sends usage metrics that reach Unleash through the proxy', async () => {
    const exchanges: Exchange[] = [];
    const client = newClient(exchanges);
    await client.start();
    for (let i = 0; i < 3; i++) client.isEnabled(SDK_FLAGS.on);
    await client.sendMetrics();

    const sent = exchanges.filter((exchange) => exchange.path === '/proxy/client/metrics');
    expect(sent.map((exchange) => exchange.status)).toEqual([expect.any(Number)]);
    expect(sent[0]?.status).toBeGreaterThanOrEqual(200);
    expect(sent[0]?.status).toBeLessThan(300);
    await vi.waitFor(
      () => {
        const metrics = upstream.requestsTo('/api/client/metrics');
        expect(yesCountUpstream(metrics, SDK_FLAGS.on)).toBe(3);
      },
      { timeout: 15_000, interval: 200 },
    );
  });

  it('reports a wrong client key as an error event', async () => {
    const client = newClient([], { clientKey: 'not-a-known-key' });
    const errored = new Promise<unknown>((resolve) => client.once(EVENTS.ERROR, resolve));
    await client.start();
    await expect(errored).resolves.toEqual({ type: 'HttpError', code: 401 });
    expect(client.isEnabled(SDK_FLAGS.on)).toBe(false);
  });
});
