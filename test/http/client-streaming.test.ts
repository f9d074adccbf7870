import { once } from 'node:events';
import type { Unleash } from 'unleash-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OFREP_FLAGS, withCheckoutOff } from '../fixtures/ofrep-flags.js';
import { type OfrepProxy, startOfrepProxy } from '../helpers/ofrep-proxy.js';
import { nextEvent, openSse, type SseReader } from '../helpers/sse-reader.js';
import { streamingSdk } from '../helpers/streaming-sdk.js';
import { waitFor } from '../helpers/wait-for.js';

const SERVER_TOKEN = 'test-server-sdk-token';

interface DeltaEvent {
  type: string;
  feature?: { name: string; enabled: boolean };
  features?: unknown[];
}

function eventsOf(data: string | undefined): DeltaEvent[] {
  return (JSON.parse(data ?? '{}') as { events: DeltaEvent[] }).events;
}

describe('GET /proxy/client/streaming and /api/client/streaming', () => {
  let ofrep: OfrepProxy;
  const readers: SseReader[] = [];
  const sdks: Unleash[] = [];
  beforeAll(async () => {
    ofrep = await startOfrepProxy({ serverSideSdkTokens: [SERVER_TOKEN] });
  });
  afterEach(async () => {
    for (const reader of readers.splice(0)) reader.close();
    for (const sdk of sdks.splice(0)) sdk.destroy();
    ofrep.fake.setState(OFREP_FLAGS);
    await waitFor(
      async () => (await checkoutEnabled()) === true,
      'the proxy to load the flags again',
    );
  });

  /** Whether the proxy's flags have new-checkout on, as backend SDKs fetch them. */
  async function checkoutEnabled(): Promise<boolean | undefined> {
    const response = await fetch(`${ofrep.base}/proxy/client/features`, {
      headers: { authorization: SERVER_TOKEN },
    });
    const body = (await response.json()) as { features: { name: string; enabled: boolean }[] };
    return body.features.find((feature) => feature.name === 'new-checkout')?.enabled;
  }
  afterAll(async () => {
    await ofrep.stop();
  });

  async function stream(path: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const reader = await openSse(`${ofrep.base}${path}`, {
      authorization: SERVER_TOKEN,
      ...headers,
    });
    readers.push(reader);
    return reader;
  }

  it('brings a change upstream to the real unleash-client in streaming mode, without waiting for a poll', async () => {
    // A poll would take an hour: only the stream can bring the change.
    const sdk = streamingSdk({
      url: `${ofrep.base}/proxy`,
      token: SERVER_TOKEN,
      appName: 'streaming-test',
    });
    sdks.push(sdk);
    await once(sdk, 'synchronized');
    expect(sdk.isEnabled('new-checkout')).toBe(true);
    expect(sdk.getVariant('banner-text').payload?.value).toBe('Welcome back');

    ofrep.fake.setState(withCheckoutOff());
    await waitFor(() => !sdk.isEnabled('new-checkout'), 'the change to reach the SDK', 10_000);
    expect(sdk.getVariant('banner-text').payload?.value).toBe('Welcome back');
  });

  it('hydrates on connect, then sends only what changed, with ids', async () => {
    const reader = await stream('/api/client/streaming');
    expect(reader.response.status).toBe(200);
    expect(reader.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const connected = await nextEvent(reader);
    expect(connected.event).toBe('unleash-connected');
    const [hydration] = eventsOf(connected.data);
    expect(hydration?.type).toBe('hydration');
    expect(hydration?.features).toHaveLength(OFREP_FLAGS.features.length);

    ofrep.fake.setState(withCheckoutOff());
    const updated = await nextEvent(reader);
    expect(updated.event).toBe('unleash-updated');
    expect(updated.id).not.toBe(connected.id);
    expect(eventsOf(updated.data)).toEqual([
      expect.objectContaining({
        type: 'feature-updated',
        feature: expect.objectContaining({ name: 'new-checkout', enabled: false }),
      }),
    ]);
  });

  it('replays what a client missed after its Last-Event-ID, and rehydrates an unknown one', async () => {
    const first = await stream('/proxy/client/streaming');
    const connected = await nextEvent(first);
    first.close();
    ofrep.fake.setState(withCheckoutOff());
    await waitFor(async () => (await checkoutEnabled()) === false, 'the proxy to see the change');

    const resumed = await stream('/proxy/client/streaming', {
      'last-event-id': connected.id ?? '',
    });
    const missed = await nextEvent(resumed);
    expect(missed.event).toBe('unleash-updated');
    expect(eventsOf(missed.data).map((event) => event.feature?.name)).toEqual(['new-checkout']);

    const unknown = await stream('/proxy/client/streaming', { 'last-event-id': '"long-gone"' });
    expect((await nextEvent(unknown)).event).toBe('unleash-connected');
  });

  it('needs a server-side SDK token, and sends no fetch-mode header on the polling route', async () => {
    const refused = await fetch(`${ofrep.base}/api/client/streaming`);
    expect(refused.status).toBe(401);
    const features = await fetch(`${ofrep.base}/proxy/client/features`, {
      headers: { authorization: SERVER_TOKEN },
    });
    expect(features.status).toBe(200);
    expect(features.headers.get('fetch-mode')).toBeNull();
  });
});

describe('a full instance and the real unleash-client in streaming mode', () => {
  let ofrep: OfrepProxy;
  let sdk: Unleash | undefined;
  beforeAll(async () => {
    ofrep = await startOfrepProxy({ serverSideSdkTokens: [SERVER_TOKEN], streamMaxConnections: 0 });
  });
  afterAll(async () => {
    sdk?.destroy();
    await ofrep.stop();
  });

  it('answers 429 with Retry-After, and the SDK falls back to polling and still gets changes', async () => {
    const refused = await fetch(`${ofrep.base}/api/client/streaming`, {
      headers: { authorization: SERVER_TOKEN },
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).not.toBeNull();

    sdk = streamingSdk({
      url: `${ofrep.base}/proxy`,
      token: SERVER_TOKEN,
      appName: 'streaming-fallback-test',
      refreshInterval: 200,
    });
    const client = sdk;
    // Every stream is refused here: flags can only reach the SDK once it polls instead.
    await waitFor(() => client.isEnabled('new-checkout'), 'the first flags by polling', 15_000);
    ofrep.fake.setState(withCheckoutOff());
    await waitFor(() => !client.isEnabled('new-checkout'), 'the change by polling', 15_000);
    expect(ofrep.proxy.logs()).toContain('/proxy/client/features');
  });
});
