import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { OpenFeature, type Provider, ProviderEvents } from '@openfeature/web-sdk';
import { EventSource } from 'eventsource';
import { LocalStorage } from 'node-localstorage';
import { InMemoryStorageProvider, UnleashClient } from 'unleash-proxy-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CreateAppOptions } from '../../src/app.js';
import { type FakeToken, FakeUnleash } from '../helpers/fake-unleash.js';
import { startProxyOn } from '../helpers/online-proxy.js';
import { OtlpReceiver } from '../helpers/otlp-receiver.js';
import { nextEvent, openSse, type SseReader } from '../helpers/sse-reader.js';
import type { RunningProxy } from '../helpers/start-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

const BACKEND_DEV = '*:development.streams-backend-dev';
const BACKEND_PROD = '*:production.streams-backend-prod';
const FRONT_DEV = '*:development.streams-front-dev';
const FRONT_PROD = '*:production.streams-front-prod';
const FRONT_DEV_WEB = 'web:development.streams-front-web';
/** Revoked in Unleash during a test. */
const FRONT_DEV_REVOKED = 'default:development.streams-front-revoked';
const CLIENT_KEY = 'streams-client-key';
const TOKENS: FakeToken[] = [
  { token: BACKEND_DEV, type: 'client', environment: 'development', projects: ['*'] },
  { token: BACKEND_PROD, type: 'client', environment: 'production', projects: ['*'] },
  { token: FRONT_DEV, type: 'frontend', environment: 'development', projects: ['*'] },
  { token: FRONT_PROD, type: 'frontend', environment: 'production', projects: ['*'] },
  { token: FRONT_DEV_WEB, type: 'frontend', environment: 'development', projects: ['web'] },
  { token: FRONT_DEV_REVOKED, type: 'frontend', environment: 'development', projects: ['default'] },
];
/** What must never be logged: the secret part of every token (after its `.`), and the client key. */
const SECRETS = [BACKEND_DEV, BACKEND_PROD, FRONT_DEV, FRONT_PROD, FRONT_DEV_WEB, FRONT_DEV_REVOKED]
  .map((token) => token.slice(token.indexOf('.') + 1))
  .concat(CLIENT_KEY);

const flag = ({ name, project }: { name: string; project: string }) => ({
  name,
  project,
  enabled: true,
  strategies: [{ name: 'default', parameters: {}, constraints: [] }],
  variants: [],
  impressionData: false,
});

interface Refetch {
  type: string;
  etag: string;
}

/** One Unleash with two environments, and the flags of each, changed by adding a flag. */
class TwoEnvironments {
  readonly fake = new FakeUnleash();
  private readonly flags = {
    development: [{ name: 'dev-base', project: 'default' }],
    production: [{ name: 'prod-base', project: 'default' }],
  };

  async start(): Promise<this> {
    await this.fake.start();
    this.fake.setTokens(TOKENS);
    this.publish('development');
    this.publish('production');
    return this;
  }

  /** Adds the flag `name` (of `project`) in the environment, upstream; returns its name. */
  add(environment: 'development' | 'production', name: string, project = 'default'): string {
    this.flags[environment].push({ name, project });
    this.publish(environment);
    return name;
  }

  private publish(environment: 'development' | 'production') {
    const token = environment === 'development' ? BACKEND_DEV : BACKEND_PROD;
    this.fake.setStateFor(token, { features: this.flags[environment].map(flag) });
  }
}

const proxyOptions: CreateAppOptions = {
  unleashApiTokens: [BACKEND_DEV, BACKEND_PROD],
  clientKeys: [CLIENT_KEY],
  refreshInterval: 100,
  metricsInterval: 60_000,
  tokenRevalidationIntervalSeconds: 1,
  // Everything the proxy can say about a request, to check that no token is among it.
  logLevel: 'debug',
};

/** The names of the flags a frontend token sees now on /api/frontend/all. */
async function frontendFlags(proxy: RunningProxy, token: string): Promise<string[]> {
  const response = await fetch(`${proxy.origin}/api/frontend/all`, {
    headers: { authorization: token },
  });
  const body = (await response.json()) as { toggles?: { name: string }[] };
  return (body.toggles ?? []).map((toggle) => toggle.name);
}

const streamUrl = (proxy: RunningProxy, token: string) =>
  `${proxy.origin}/api/frontend/events?token=${encodeURIComponent(token)}`;

describe('GET /api/frontend/events with frontend tokens', () => {
  let upstream: TwoEnvironments;
  let proxy: RunningProxy;
  const closers: (() => void)[] = [];

  beforeAll(async () => {
    upstream = await new TwoEnvironments().start();
    proxy = await startProxyOn(upstream.fake, { ...proxyOptions, enableAllEndpoint: true });
  });
  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });
  afterAll(async () => {
    await proxy?.stop();
    await upstream?.fake.stop();
    // No token, frontend or backend, and no client key, in anything the proxy logged.
    const logs = proxy.logs();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of SECRETS) expect(logs).not.toContain(secret);
  });

  const open = async (url: string, headers: Record<string, string> = {}) => {
    const reader = await openSse(url, headers);
    closers.push(() => reader.close());
    return reader;
  };

  it('makes the real unleash-proxy-client refetch through updateToggles(), long before its refresh interval', async () => {
    const client = new UnleashClient({
      url: `${proxy.origin}/api/frontend`,
      clientKey: FRONT_DEV,
      appName: 'shop',
      fetch,
      storageProvider: new InMemoryStorageProvider(),
      refreshInterval: 60, // seconds: only the stream can explain an update within the test
      disableMetrics: true,
    });
    closers.push(() => client.stop());
    await client.start();
    expect(client.isEnabled('dev-base')).toBe(true);

    // The lines the README gives for a browser.
    const changes = new EventSource(
      `${proxy.origin}/api/frontend/events?token=${encodeURIComponent(FRONT_DEV)}`,
    );
    closers.push(() => changes.close());
    changes.addEventListener('message', () => void client.updateToggles());
    await new Promise((resolve) => changes.addEventListener('open', resolve, { once: true }));

    const started = Date.now();
    const updated = new Promise((resolve) => client.once('update', resolve));
    const name = upstream.add('development', 'dev-pushed');
    await updated;
    expect(client.isEnabled(name)).toBe(true);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("announces the changes of the token's environment only", async () => {
    // A stale Last-Event-ID gets the current tag of the scope at once: the tag before the changes.
    const dev = await open(streamUrl(proxy, FRONT_DEV), { 'last-event-id': '"older"' });
    expect(dev.response.status).toBe(200);
    const before = await nextEvent(dev);
    const prod = await open(`${proxy.origin}/api/frontend/events`, {
      authorization: `Bearer ${FRONT_PROD}`,
    });
    expect(prod.response.status).toBe(200);

    const prodName = upstream.add('production', 'prod-change');
    const prodChange = await nextEvent(prod);
    expect((JSON.parse(prodChange.data ?? '{}') as Refetch).type).toBe('refetchEvaluation');
    expect(await frontendFlags(proxy, FRONT_PROD)).toContain(prodName);

    // The production change is announced; the next development frame is the development change.
    const devName = upstream.add('development', 'dev-change');
    const devChange = await nextEvent(dev);
    expect(devChange.id).not.toBe(before.id);
    expect(devChange.id).not.toBe(prodChange.id);
    expect(await frontendFlags(proxy, FRONT_DEV)).toContain(devName);
    expect(await frontendFlags(proxy, FRONT_DEV)).not.toContain(prodName);
  });

  it("announces the changes of the token's projects only", async () => {
    const web = await open(streamUrl(proxy, FRONT_DEV_WEB), { 'last-event-id': '"older"' });
    const before = await nextEvent(web);
    const everyProject = await open(streamUrl(proxy, FRONT_DEV));

    upstream.add('development', 'default-project-change');
    const otherProject = await nextEvent(everyProject);
    // The change of project default is announced; the next frame of project web's stream is
    // the change of project web: neither web's unchanged tag nor the environment's new one.
    const webName = upstream.add('development', 'web-change', 'web');
    const webChange = await nextEvent(web);
    expect(webChange.id).not.toBe(before.id);
    expect(webChange.id).not.toBe(otherProject.id);
    expect(await frontendFlags(proxy, FRONT_DEV_WEB)).toEqual([webName]);
  });

  it('answers a browser with CORS headers', async () => {
    const reader = await open(streamUrl(proxy, FRONT_DEV), { origin: 'https://shop.example' });
    expect(reader.response.status).toBe(200);
    expect(reader.response.headers.get('content-type')).toContain('text/event-stream');
    expect(reader.response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('refuses what the frontend API refuses, with its statuses and bodies, in the URL and in Authorization', async () => {
    const statusOf = async (path: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${proxy.origin}${path}`, { headers });
      return { status: response.status, body: (await response.json()) as unknown };
    };
    const events = '/api/frontend/events';
    expect(await statusOf(events)).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN' } });
    for (const unknown of ['*:development.not-issued', CLIENT_KEY]) {
      expect(await statusOf(`${events}?token=${encodeURIComponent(unknown)}`)).toMatchObject({
        status: 401,
        body: { statusCode: 401, code: 'INVALID_TOKEN' },
      });
      expect(await statusOf(events, { authorization: unknown })).toMatchObject({ status: 401 });
    }
    expect(await statusOf(`${events}?token=${encodeURIComponent(BACKEND_DEV)}`)).toMatchObject({
      status: 403,
      body: { statusCode: 403, code: 'WRONG_TOKEN_TYPE' },
    });
    expect(await statusOf(events, { authorization: BACKEND_DEV })).toMatchObject({ status: 403 });
    // The same on Edge's alias, and the same answers as the frontend API itself.
    expect(await statusOf(`/api/proxy/events?token=${encodeURIComponent(BACKEND_DEV)}`)).toEqual(
      await statusOf('/api/frontend', { authorization: BACKEND_DEV }),
    );
    // OFREP's stream: the same checks, in OFREP's error form.
    const ofrep = '/ofrep/v1/events';
    expect(await statusOf(ofrep)).toMatchObject({
      status: 401,
      body: { errorCode: 'GENERAL', code: 'UNAUTHORIZED' },
    });
    expect(await statusOf(`${ofrep}?token=*:development.not-issued`)).toMatchObject({
      status: 401,
      body: { errorCode: 'GENERAL', code: 'INVALID_TOKEN' },
    });
    expect(await statusOf(`${ofrep}?token=${encodeURIComponent(BACKEND_DEV)}`)).toMatchObject({
      status: 403,
      body: { errorCode: 'GENERAL', code: 'WRONG_TOKEN_TYPE' },
    });
  });

  it('ends the streams of a token Unleash revoked, and refuses it then, as the frontend API does', async () => {
    const accepted = await open(streamUrl(proxy, FRONT_DEV_REVOKED));
    expect(accepted.response.status).toBe(200);
    const other = await open(streamUrl(proxy, FRONT_DEV));
    upstream.fake.setTokens(TOKENS.filter((token) => token.token !== FRONT_DEV_REVOKED));
    // The next revalidation (every second here) finds it revoked and ends its stream.
    await accepted.ended;
    const api = await fetch(`${proxy.origin}/api/frontend`, {
      headers: { authorization: FRONT_DEV_REVOKED },
    });
    expect(api.status).toBe(401);
    const refused = await fetch(streamUrl(proxy, FRONT_DEV_REVOKED));
    expect(refused.status).toBe(401);
    const inHeader = await fetch(`${proxy.origin}/api/frontend/events`, {
      headers: { authorization: FRONT_DEV_REVOKED },
    });
    expect(inHeader.status).toBe(401);
    // Other tokens' streams stay open: a change still reaches them.
    upstream.add('development', 'after-revocation');
    expect((await nextEvent(other)).data).toContain('refetchEvaluation');
    upstream.fake.setTokens(TOKENS);
  });
});

describe('OFREP event streams for frontend tokens', () => {
  let upstream: TwoEnvironments;
  let proxy: RunningProxy;
  let second: RunningProxy;
  const readers: SseReader[] = [];

  const bulk = async (target: RunningProxy, token: string) => {
    const response = await fetch(`${target.origin}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ context: { targetingKey: 'alice' } }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as {
      flags: { key: string }[];
      eventStreams?: { type: string; endpoint: { requestUri: string } }[];
    };
  };

  beforeAll(async () => {
    upstream = await new TwoEnvironments().start();
    proxy = await startProxyOn(upstream.fake, proxyOptions);
    // Another instance of the same configuration (the streams of a fleet behind a balancer).
    second = await startProxyOn(upstream.fake, { ...proxyOptions, streamMaxConnections: 1 });
  });
  afterEach(() => {
    for (const reader of readers.splice(0)) reader.close();
  });
  afterAll(async () => {
    await proxy?.stop();
    await second?.stop();
    await upstream?.fake.stop();
    for (const logs of [proxy.logs(), second.logs()]) {
      for (const secret of SECRETS) expect(logs).not.toContain(secret);
    }
  });

  it("advertises the stream of the token's scope, which another instance of the fleet serves", async () => {
    const answer = await bulk(proxy, FRONT_PROD);
    expect(answer.eventStreams).toHaveLength(1);
    const requestUri = answer.eventStreams?.[0]?.endpoint.requestUri ?? '';
    expect(requestUri).toMatch(/^\/ofrep\/v1\/events\?token=/);

    // `second` never saw the token: it checks it with Unleash, as the frontend API would.
    const reader = await openSse(`${second.origin}${requestUri}`);
    readers.push(reader);
    expect(reader.response.status).toBe(200);
    const name = upstream.add('production', 'prod-fleet');
    const event = await nextEvent(reader);
    const { etag } = JSON.parse(event.data ?? '{}') as Refetch;
    const refetched = await fetch(
      `${second.origin}/ofrep/v1/evaluate/flags?flagConfigEtag=${encodeURIComponent(etag)}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${FRONT_PROD}`, 'content-type': 'application/json' },
        body: JSON.stringify({ context: {} }),
      },
    );
    const flags = ((await refetched.json()) as { flags: { key: string }[] }).flags;
    expect(flags.map((f) => f.key)).toContain(name);

    // The instance's stream limit applies to token streams too: 429 with Retry-After.
    const refused = await fetch(`${second.origin}${requestUri}`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ code: 'TOO_MANY_STREAMS', errorCode: 'GENERAL' });
  });

  it('makes the real OFREP web provider re-evaluate on a change of its environment, without polling', async () => {
    const storage = mkdtempSync(join(tmpdir(), 'ofrep-token-web-'));
    const globals = globalThis as { localStorage?: unknown; EventSource?: unknown };
    const saved = { localStorage: globals.localStorage, EventSource: globals.EventSource };
    const opened: string[] = [];
    globals.localStorage = new LocalStorage(storage);
    globals.EventSource = class extends EventSource {
      constructor(url: string | URL, init?: ConstructorParameters<typeof EventSource>[1]) {
        super(url, init);
        this.addEventListener('open', () => opened.push(String(url)));
      }
    };
    try {
      const provider = new OFREPWebProvider({
        baseUrl: proxy.origin,
        headers: [['Authorization', `Bearer ${FRONT_DEV}`]],
        pollInterval: 0,
      });
      await OpenFeature.setContext('token-web', { targetingKey: 'alice' });
      await OpenFeature.setProviderAndWait('token-web', provider as unknown as Provider);
      const client = OpenFeature.getClient('token-web');
      expect(client.getBooleanValue('dev-base', false)).toBe(true);
      await waitFor(() => opened.length > 0, 'the provider to open the advertised stream');
      expect(opened[0]).toContain('/ofrep/v1/events?token=');

      const changed = new Promise<void>((resolve) =>
        client.addHandler(ProviderEvents.ConfigurationChanged, () => resolve()),
      );
      const name = upstream.add('development', 'dev-ofrep-pushed');
      await changed;
      expect(client.getBooleanValue(name, false)).toBe(true);
    } finally {
      await OpenFeature.clearProviders();
      globals.localStorage = saved.localStorage;
      globals.EventSource = saved.EventSource;
      rmSync(storage, { recursive: true, force: true });
    }
  });
});

describe('frontend token streams with PROXY_STREAMS_ENABLED=false, traced', () => {
  let upstream: TwoEnvironments;
  let receiver: OtlpReceiver;
  let proxy: RunningProxy;
  beforeAll(async () => {
    upstream = await new TwoEnvironments().start();
    receiver = await new OtlpReceiver().start();
    proxy = await startProxyOn(
      upstream.fake,
      { ...proxyOptions, streamsEnabled: false },
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
    );
  });
  let stopped = false;
  afterAll(async () => {
    if (!stopped) await proxy?.stop();
    await upstream?.fake.stop();
    await receiver?.stop();
  });

  it('answers 401 before 501, advertises no stream, and traces no token', async () => {
    const unknown = await fetch(streamUrl(proxy, '*:development.not-issued'));
    expect(unknown.status).toBe(401);
    const known = await fetch(streamUrl(proxy, FRONT_DEV));
    expect(known.status).toBe(501);
    expect(await known.json()).toMatchObject({ code: 'ENDPOINT_DISABLED' });
    const ofrep = await fetch(`${proxy.origin}/ofrep/v1/events?token=${FRONT_DEV}`);
    expect(ofrep.status).toBe(501);
    const response = await fetch(`${proxy.origin}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FRONT_DEV}`, 'content-type': 'application/json' },
      body: JSON.stringify({ context: {} }),
    });
    expect(((await response.json()) as { eventStreams?: unknown }).eventStreams).toBeUndefined();

    stopped = true;
    await proxy.stop(); // exports the last spans
    await receiver.span((span) => span.name === 'GET /api/frontend/events');
    const exported = JSON.stringify(receiver.spans);
    for (const secret of [...SECRETS, 'not-issued', 'token=']) {
      expect(exported).not.toContain(secret);
    }
  });
});

describe("frontend token streams and the instance's stream limits", () => {
  let upstream: TwoEnvironments;
  let proxy: RunningProxy;
  beforeAll(async () => {
    upstream = await new TwoEnvironments().start();
    proxy = await startProxyOn(upstream.fake, {
      ...proxyOptions,
      streamHeartbeatMs: 100,
      streamMaxAgeMs: 1_000,
    });
  });
  afterAll(async () => {
    await proxy?.stop();
    await upstream?.fake.stop();
  });

  it('sends heartbeats and ends the stream at its maximum age, as on every stream', async () => {
    const reader = await openSse(streamUrl(proxy, FRONT_DEV));
    expect(reader.response.status).toBe(200);
    let event = await reader.next();
    while (event.comment === undefined) event = await reader.next();
    await reader.ended; // PROXY_STREAM_MAX_AGE_MS, checked on a heartbeat
    reader.close();
  });
});

describe('frontend token streams before the flags are loaded', () => {
  it('answer 503, then 401 for an unknown token and 501 with PROXY_STREAMS_ENABLED=false', async () => {
    const upstream = await new TwoEnvironments().start();
    upstream.fake.setFault({ kind: 'status', status: 500 });
    const proxy = await startProxyOn(
      upstream.fake,
      { ...proxyOptions, streamsEnabled: false },
      {},
      { waitUntilReady: false },
    );
    try {
      const statuses = async () =>
        Promise.all(
          [
            streamUrl(proxy, '*:development.not-issued'),
            streamUrl(proxy, FRONT_DEV),
            `${proxy.origin}/ofrep/v1/events?token=${encodeURIComponent(FRONT_DEV)}`,
          ].map(async (url) => (await fetch(url)).status),
        );
      expect(await statuses()).toEqual([503, 503, 503]);
      upstream.fake.setFault(undefined);
      await proxy.app.ready();
      expect(await statuses()).toEqual([401, 501, 501]);
    } finally {
      await proxy.stop();
      await upstream.fake.stop();
    }
  });
});

describe('frontend token streams when Unleash revokes the configured token of an environment', () => {
  it("ends that environment's streams (their reconnection gets the frontend API's 403), not the others'", async () => {
    const upstream = await new TwoEnvironments().start();
    const proxy = await startProxyOn(upstream.fake, proxyOptions);
    const ofrepUrl = (token: string) =>
      `${proxy.origin}/ofrep/v1/events?token=${encodeURIComponent(token)}`;
    const prod = await openSse(streamUrl(proxy, FRONT_PROD));
    const prodOfrep = await openSse(ofrepUrl(FRONT_PROD));
    const dev = await openSse(streamUrl(proxy, FRONT_DEV));
    const devOfrep = await openSse(ofrepUrl(FRONT_DEV));
    try {
      for (const reader of [prod, prodOfrep, dev, devOfrep]) {
        expect(reader.response.status).toBe(200);
      }
      upstream.fake.setTokens(TOKENS.filter((token) => token.token !== BACKEND_PROD));
      // The next revalidation (every second here) finds production's only configured token
      // revoked: production is no longer served, and its streams end.
      await prod.ended;
      await prodOfrep.ended;

      const frontendApi = await fetch(`${proxy.origin}/api/frontend`, {
        headers: { authorization: FRONT_PROD },
      });
      expect(frontendApi.status).toBe(403);
      const refusal = await frontendApi.json();
      expect(refusal).toMatchObject({
        code: 'SCOPE_NOT_COVERED',
        details: { missing: '*:production' },
      });
      const reconnection = await fetch(streamUrl(proxy, FRONT_PROD));
      expect(reconnection.status).toBe(403);
      expect(await reconnection.json()).toEqual(refusal);
      const ofrepReconnection = await fetch(ofrepUrl(FRONT_PROD));
      expect(ofrepReconnection.status).toBe(403);
      expect(await ofrepReconnection.json()).toMatchObject({
        code: 'SCOPE_NOT_COVERED',
        errorCode: 'GENERAL',
      });

      // Development is served as before: its streams are open and get the next change.
      upstream.add('development', 'dev-after-prod-revoked');
      expect((await nextEvent(dev)).data).toContain('refetchEvaluation');
      expect((await nextEvent(devOfrep)).data).toContain('refetchEvaluation');
    } finally {
      for (const reader of [prod, prodOfrep, dev, devOfrep]) reader.close();
      await proxy.stop();
      await upstream.fake.stop();
    }
  });
});
