import { EventSource } from 'eventsource';
import { InMemoryStorageProvider, UnleashClient } from 'unleash-proxy-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OFREP_FLAGS, withCheckoutOff } from '../fixtures/ofrep-flags.js';
import { type OfrepProxy, startOfrepProxy } from '../helpers/ofrep-proxy.js';
import { CLIENT_KEY } from '../helpers/online-proxy.js';
import { nextEvent, openSse, type SseReader } from '../helpers/sse-reader.js';
import { waitFor } from '../helpers/wait-for.js';

interface Refetch {
  type: string;
  etag: string;
  lastModified: number;
}

describe('GET /proxy/events with the real unleash-proxy-client', () => {
  let ofrep: OfrepProxy;
  const closers: (() => void)[] = [];
  beforeAll(async () => {
    ofrep = await startOfrepProxy();
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    ofrep.fake.setState(OFREP_FLAGS);
    await waitFor(async () => {
      const response = await ofrep.post('/ofrep/v1/evaluate/flags/new-checkout', { context: {} });
      return ((await response.json()) as { value?: unknown }).value === true;
    }, 'the proxy to load the flags again');
  });
  afterAll(async () => {
    await ofrep.stop();
  });

  it('makes the SDK refetch at once, through updateToggles(), with polling off', async () => {
    const client = new UnleashClient({
      url: `${ofrep.base}/proxy`,
      clientKey: CLIENT_KEY,
      appName: 'shop',
      fetch,
      storageProvider: new InMemoryStorageProvider(),
      disableRefresh: true,
      disableMetrics: true,
    });
    closers.push(() => client.stop());
    await client.start();
    expect(client.isEnabled('new-checkout')).toBe(true);

    // The lines the README gives for a browser.
    const events = new EventSource(
      `${ofrep.base}/proxy/events?token=${encodeURIComponent(CLIENT_KEY)}`,
    );
    closers.push(() => events.close());
    events.addEventListener('message', () => void client.updateToggles());
    await new Promise((resolve) => events.addEventListener('open', resolve, { once: true }));

    const updated = new Promise((resolve) => client.once('update', resolve));
    ofrep.fake.setState(withCheckoutOff());
    await updated;
    expect(client.isEnabled('new-checkout')).toBe(false);
  });

  it('needs a client key; a stale Last-Event-ID gets a refetch at once', async () => {
    const refused = await fetch(`${ofrep.base}/proxy/events`);
    expect(refused.status).toBe(401);
    const reader = await openSse(`${ofrep.base}/proxy/events`, {
      authorization: CLIENT_KEY,
      'last-event-id': '"older-flags"',
    });
    closers.push(() => reader.close());
    expect(reader.response.status).toBe(200);
    const event = await nextEvent(reader);
    const data = JSON.parse(event.data ?? '{}') as Refetch;
    expect(data.type).toBe('refetchEvaluation');
    expect(event.id).toBe(data.etag);
  });

  it('serves the OFREP stream advertised in bulk answers, with the etag to send back', async () => {
    const bulk = await ofrep.post('/ofrep/v1/evaluate/flags', { context: {} });
    const body = (await bulk.json()) as { eventStreams: { endpoint: { requestUri: string } }[] };
    const requestUri = body.eventStreams[0]?.endpoint.requestUri ?? '';
    expect(requestUri).not.toContain(CLIENT_KEY);
    const reader = await openSse(`${ofrep.proxy.origin}${requestUri}`);
    closers.push(() => reader.close());
    expect(reader.response.status).toBe(200);
    ofrep.fake.setState(withCheckoutOff());
    const data = JSON.parse((await nextEvent(reader)).data ?? '{}') as Refetch;
    expect(data.type).toBe('refetchEvaluation');
    const refetched = await ofrep.post(
      `/ofrep/v1/evaluate/flags?flagConfigEtag=${encodeURIComponent(data.etag)}`,
      { context: {} },
    );
    const flags = ((await refetched.json()) as { flags: { key: string; value: unknown }[] }).flags;
    expect(flags.find((flag) => flag.key === 'new-checkout')?.value).toBe(false);
  });
});

describe('event stream limits', () => {
  let ofrep: OfrepProxy;
  const readers: SseReader[] = [];
  beforeAll(async () => {
    ofrep = await startOfrepProxy({
      streamMaxConnections: 2,
      streamHeartbeatMs: 100,
      streamMaxAgeMs: 1_000,
    });
  });
  afterEach(() => {
    for (const reader of readers.splice(0)) reader.close();
  });
  afterAll(async () => {
    await ofrep.stop();
  });

  /** A stream, once the instance has room again for one (a closed stream is freed a bit later). */
  const open = async () => {
    let reader: SseReader | undefined;
    await waitFor(async () => {
      reader = await openSse(`${ofrep.base}/proxy/events?token=${CLIENT_KEY}`);
      readers.push(reader);
      return reader.response.status === 200;
    }, 'room for a stream');
    if (reader === undefined) throw new Error('unreachable');
    return reader;
  };

  it('refuses a stream past the maximum with 429 and Retry-After, and takes one again once a stream ends', async () => {
    const first = await open();
    await open();
    const refused = await fetch(`${ofrep.base}/proxy/events?token=${CLIENT_KEY}`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ statusCode: 429, code: 'TOO_MANY_STREAMS' });
    first.close();
    await waitFor(async () => {
      const again = await fetch(`${ofrep.base}/proxy/events?token=${CLIENT_KEY}`);
      await again.body?.cancel();
      return again.status === 200;
    }, 'a free stream');
  });

  it('sends heartbeats and ends a stream at its maximum age', async () => {
    const reader = await open();
    const heartbeat = await reader.next();
    expect(heartbeat).toEqual({ comment: 'ok' });
    expect(await reader.next()).toEqual({ comment: '' });
    const started = Date.now();
    await reader.ended;
    expect(Date.now() - started).toBeLessThan(2_500);
  });
});

describe('event streams at shutdown and when switched off', () => {
  it('ends every stream when the proxy closes, so that it stops at once', async () => {
    const ofrep = await startOfrepProxy();
    const reader = await openSse(`${ofrep.base}/proxy/events?token=${CLIENT_KEY}`);
    expect(reader.response.status).toBe(200);
    await ofrep.stop();
    await reader.ended;
  });

  it('answers 501 and advertises no stream with PROXY_STREAMS_ENABLED=false', async () => {
    const ofrep = await startOfrepProxy({}, { PROXY_STREAMS_ENABLED: 'false' });
    try {
      const stream = await fetch(`${ofrep.base}/proxy/events?token=${CLIENT_KEY}`);
      expect(stream.status).toBe(501);
      const bulk = await ofrep.post('/ofrep/v1/evaluate/flags', { context: {} });
      expect(await bulk.json()).not.toHaveProperty('eventStreams');
    } finally {
      await ofrep.stop();
    }
  });
});

describe('event streams under PROXY_BASE_PATH', () => {
  it('advertises the OFREP stream under the base path, where it answers', async () => {
    const ofrep = await startOfrepProxy({ proxyBasePath: '/flags' });
    try {
      const bulk = await ofrep.post('/ofrep/v1/evaluate/flags', { context: {} });
      const body = (await bulk.json()) as { eventStreams: { endpoint: { requestUri: string } }[] };
      const requestUri = body.eventStreams[0]?.endpoint.requestUri ?? '';
      expect(requestUri.startsWith('/flags/ofrep/v1/events?token=')).toBe(true);
      const reader = await openSse(`${ofrep.proxy.origin}${requestUri}`);
      expect(reader.response.status).toBe(200);
      reader.close();
    } finally {
      await ofrep.stop();
    }
  });
});
