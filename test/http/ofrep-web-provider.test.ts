import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { OpenFeature, type Provider, ProviderEvents } from '@openfeature/web-sdk';
import { EventSource } from 'eventsource';
import { LocalStorage } from 'node-localstorage';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withCheckoutOff } from '../fixtures/ofrep-flags.js';
import { type OfrepProxy, startOfrepProxy } from '../helpers/ofrep-proxy.js';
import { CLIENT_KEY } from '../helpers/online-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

// The web provider is written for browsers: it needs localStorage and EventSource as globals.
const storageFolder = mkdtempSync(join(tmpdir(), 'ofrep-web-'));
const openedStreams: string[] = [];
class RecordingEventSource extends EventSource {
  constructor(url: string | URL, init?: ConstructorParameters<typeof EventSource>[1]) {
    super(url, init);
    this.addEventListener('open', () => openedStreams.push(String(url)));
  }
}
const globals = globalThis as { localStorage?: unknown; EventSource?: unknown };
// Test files may share a worker: the globals are put back afterwards.
const before = { localStorage: globals.localStorage, EventSource: globals.EventSource };

interface Exchange {
  status: number;
  ifNoneMatch: string | null;
  body: string;
}

/** The provider's fetch, recording each bulk request and its status. */
function recordingFetch(exchanges: Exchange[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const body = await request.clone().text();
    const response = await fetch(request);
    exchanges.push({
      status: response.status,
      ifNoneMatch: request.headers.get('if-none-match'),
      body,
    });
    return response;
  };
}

let domainCount = 0;

/** Uses up the key's requests of this second, so that the provider's next one gets a 429. */
async function drainRateLimit(ofrep: OfrepProxy): Promise<void> {
  for (;;) {
    const response = await ofrep.post('/ofrep/v1/evaluate/flags/new-checkout', { context: {} });
    await response.arrayBuffer();
    if (response.status === 429) return;
  }
}

async function connect(ofrep: OfrepProxy, context: Record<string, string>, exchanges: Exchange[]) {
  domainCount += 1;
  const domain = `web-${domainCount}`;
  const provider = new OFREPWebProvider({
    baseUrl: ofrep.base,
    headers: [['Authorization', `Bearer ${CLIENT_KEY}`]],
    fetchImplementation: recordingFetch(exchanges),
  });
  await OpenFeature.setContext(domain, context);
  // Its `hooks?: Hook[]` differs from the SDK's Provider only under exactOptionalPropertyTypes.
  await OpenFeature.setProviderAndWait(domain, provider as unknown as Provider);
  return { domain, client: OpenFeature.getClient(domain) };
}

function nextEvent(
  client: ReturnType<typeof OpenFeature.getClient>,
  event: ProviderEvents,
): Promise<void> {
  return new Promise((resolve) => {
    const handler = () => {
      client.removeHandler(event, handler);
      resolve();
    };
    client.addHandler(event, handler);
  });
}

describe('@openfeature/ofrep-web-provider with @openfeature/web-sdk against the proxy', () => {
  let ofrep: OfrepProxy;
  beforeAll(async () => {
    globals.localStorage = new LocalStorage(storageFolder);
    globals.EventSource = RecordingEventSource;
    ofrep = await startOfrepProxy();
  });
  afterEach(async () => {
    await OpenFeature.clearProviders();
  });
  afterAll(async () => {
    await OpenFeature.close();
    await ofrep.stop();
  });

  it('resolves boolean, string, number and object flags; TYPE_MISMATCH and FLAG_NOT_FOUND', async () => {
    const { client } = await connect(ofrep, { targetingKey: 'bob' }, []);
    expect(client.getBooleanDetails('new-checkout', false)).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
      variant: 'disabled',
      flagMetadata: { enabled: true, impressionData: true, project: 'web' },
    });
    expect(client.getBooleanDetails('switched-off', true)).toMatchObject({
      value: false,
      reason: 'DISABLED',
    });
    expect(client.getStringDetails('banner-text', 'hi')).toMatchObject({
      value: 'Welcome back',
      reason: 'SPLIT',
      variant: 'banner-text-variant',
    });
    expect(client.getNumberValue('max-items', 0)).toBe(42);
    expect(client.getObjectValue('theme', {})).toEqual({ color: 'blue', dense: true });
    // A payload flag off for this context leaves the value to the code default.
    expect(client.getStringDetails('text-off', 'code default')).toMatchObject({
      value: 'code default',
      reason: 'DISABLED',
    });
    expect(client.getStringDetails('new-checkout', 'x')).toMatchObject({
      value: 'x',
      errorCode: 'TYPE_MISMATCH',
    });
    expect(client.getBooleanDetails('no-such-flag', false)).toMatchObject({
      value: false,
      errorCode: 'FLAG_NOT_FOUND',
    });
  });

  it('gets 200 when an attribute changes though the provider resends its old ETag, and 304 when nothing changed', async () => {
    const exchanges: Exchange[] = [];
    const { domain, client } = await connect(
      ofrep,
      { targetingKey: 'carol', plan: 'silver' },
      exchanges,
    );
    expect(client.getBooleanValue('gold-plan', true)).toBe(false);
    const [first] = exchanges;
    expect(first?.status).toBe(200);

    // Same targetingKey: the provider serves its cache, then revalidates with the old ETag.
    const changed = nextEvent(client, ProviderEvents.ConfigurationChanged);
    await OpenFeature.setContext(domain, { targetingKey: 'carol', plan: 'gold' });
    await changed;
    expect(client.getBooleanValue('gold-plan', false)).toBe(true);
    const revalidation = exchanges.find((exchange) => exchange.body.includes('gold'));
    expect(revalidation).toMatchObject({ status: 200 });
    expect(revalidation?.ifNoneMatch).not.toBeNull();

    const before = exchanges.length;
    await OpenFeature.setContext(domain, { plan: 'gold', targetingKey: 'carol' });
    await waitFor(() => exchanges.length > before, 'the revalidation of an unchanged context');
    expect(exchanges.at(-1)?.status).toBe(304);
    expect(client.getBooleanValue('gold-plan', false)).toBe(true);
  });

  it('is told of a flag change through the advertised event stream, without polling', async () => {
    const { client } = await connect(ofrep, { targetingKey: 'dave' }, []);
    await waitFor(() => openedStreams.length > 0, 'the event stream to open');
    const streamUrl = openedStreams.at(-1) ?? '';
    expect(streamUrl).toContain('/ofrep/v1/events?token=');
    expect(streamUrl).not.toContain(CLIENT_KEY);
    expect(client.getBooleanValue('new-checkout', false)).toBe(true);

    const changed = nextEvent(client, ProviderEvents.ConfigurationChanged);
    ofrep.fake.setState(withCheckoutOff());
    await changed;
    expect(client.getBooleanValue('new-checkout', true)).toBe(false);
    const token = new URL(streamUrl).searchParams.get('token') ?? '';
    expect(ofrep.proxy.logs()).not.toContain(token);
    expect(ofrep.proxy.logs()).not.toContain(CLIENT_KEY);
  });
});

describe('@openfeature/ofrep-web-provider and a 429', () => {
  let ofrep: OfrepProxy;
  beforeAll(async () => {
    globals.localStorage = new LocalStorage(storageFolder);
    ofrep = await startOfrepProxy({ rateLimitPerKey: 1 });
  });
  afterAll(async () => {
    await OpenFeature.clearProviders();
    await ofrep.stop();
    globals.localStorage = before.localStorage;
    globals.EventSource = before.EventSource;
    rmSync(storageFolder, { recursive: true, force: true });
  });

  it('waits for Retry-After before asking again', async () => {
    const exchanges: Exchange[] = [];
    const { domain, client } = await connect(ofrep, { targetingKey: 'erin' }, exchanges);
    await drainRateLimit(ofrep);
    const stale = nextEvent(client, ProviderEvents.Stale);
    await OpenFeature.setContext(domain, { targetingKey: 'frank' });
    await stale;
    expect(exchanges.map((exchange) => exchange.status)).toEqual([200, 429]);
    await OpenFeature.setContext(domain, { targetingKey: 'grace' });
    expect(exchanges).toHaveLength(2);
  });
});
