import { once } from 'node:events';
import type { Unleash } from 'unleash-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeToken, FakeUnleash } from '../helpers/fake-unleash.js';
import { startProxyOn } from '../helpers/online-proxy.js';
import { nextEvent, openSse, type SseEvent, type SseReader } from '../helpers/sse-reader.js';
import type { RunningProxy } from '../helpers/start-proxy.js';
import { streamingSdk } from '../helpers/streaming-sdk.js';
import { waitFor } from '../helpers/wait-for.js';

// GET /api/client/streaming with Unleash backend tokens: each token streams its own scope (its
// environment, filtered to its projects), as /api/client/features serves it.

/** The tokens the proxy syncs with: one per environment. */
const CONFIGURED_DEV = '*:development.configured-dev';
const CONFIGURED_PROD = '*:production.configured-prod';
/** The tokens SDKs present. */
const SDK_DEV = '*:development.sdk-dev';
const SDK_DEV_WEB = 'web:development.sdk-dev-web';
const SDK_PROD = '*:production.sdk-prod';
const FRONTEND_DEV = '*:development.frontend-dev';
const SDK_STAGING = '*:staging.sdk-staging';
const SDK_REVOKED = '*:development.sdk-revoked';
const SERVER_SDK_TOKEN = 'server-side-sdk-token';

const TOKENS: FakeToken[] = [
  { token: CONFIGURED_DEV, type: 'backend', environment: 'development', projects: ['*'] },
  { token: CONFIGURED_PROD, type: 'backend', environment: 'production', projects: ['*'] },
  { token: SDK_DEV, type: 'client', environment: 'development', projects: ['*'] },
  { token: SDK_DEV_WEB, type: 'backend', environment: 'development', projects: ['web'] },
  { token: SDK_PROD, type: 'backend', environment: 'production', projects: ['*'] },
  { token: FRONTEND_DEV, type: 'frontend', environment: 'development', projects: ['*'] },
  { token: SDK_STAGING, type: 'backend', environment: 'staging', projects: ['*'] },
  { token: SDK_REVOKED, type: 'backend', environment: 'development', projects: ['*'] },
];

interface Flag {
  name: string;
  project: string;
  enabled: boolean;
  strategies: { name: string; parameters: Record<string, string>; constraints: [] }[];
  variants: [];
  impressionData: boolean;
}

const flag = (name: string, project: string, enabled = true): Flag => ({
  name,
  project,
  enabled,
  strategies: [{ name: 'default', parameters: {}, constraints: [] }],
  variants: [],
  impressionData: false,
});

/** Each environment's flags upstream, changed by the tests. */
const upstream = {
  development: { 'dev-only': true, 'dev-web': true, 'dev-shop': true },
  production: { 'prod-only': true, 'prod-web': true },
};
const projectOf: Record<string, string> = {
  'dev-only': 'default',
  'dev-web': 'web',
  'dev-shop': 'shop',
  'prod-only': 'default',
  'prod-web': 'web',
};
const INITIAL = structuredClone(upstream);

interface DeltaEvent {
  type: string;
  feature?: { name: string; enabled: boolean };
  features?: { name: string }[];
}

function eventsOf(event: SseEvent): DeltaEvent[] {
  return (JSON.parse(event.data ?? '{}') as { events: DeltaEvent[] }).events;
}

/** The names of the flags an `unleash-updated` event changes. */
function changedNames(event: SseEvent): string[] {
  expect(event.event).toBe('unleash-updated');
  return eventsOf(event).map((delta) => delta.feature?.name ?? delta.type);
}

function hydratedNames(event: SseEvent): string[] {
  expect(event.event).toBe('unleash-connected');
  return (eventsOf(event)[0]?.features ?? []).map((feature) => feature.name).sort();
}

describe('GET /api/client/streaming with Unleash backend tokens of several environments', () => {
  let fake: FakeUnleash;
  let proxy: RunningProxy;
  const readers: SseReader[] = [];
  const sdks: Unleash[] = [];

  function publish(environment: 'development' | 'production'): void {
    const token = environment === 'development' ? CONFIGURED_DEV : CONFIGURED_PROD;
    const flags = Object.entries(upstream[environment]).map(([name, enabled]) =>
      flag(name, projectOf[name] ?? 'default', enabled),
    );
    fake.setStateFor(token, { features: flags });
  }

  /** Flips a flag upstream; the proxy sees it at its next poll (200 ms). */
  function toggle(environment: 'development' | 'production', name: string): void {
    const flags: Record<string, boolean> = upstream[environment];
    flags[name] = !flags[name];
    publish(environment);
  }

  async function stream(token: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const reader = await openSse(`${proxy.origin}/api/client/streaming`, {
      authorization: token,
      ...headers,
    });
    readers.push(reader);
    return reader;
  }

  /** Opens a stream and reads its hydration. */
  async function connected(token: string): Promise<{ reader: SseReader; hydration: SseEvent }> {
    const reader = await stream(token);
    expect(reader.response.status).toBe(200);
    return { reader, hydration: await nextEvent(reader) };
  }

  beforeAll(async () => {
    fake = await new FakeUnleash().start();
    fake.setTokens(TOKENS);
    publish('development');
    publish('production');
    proxy = await startProxyOn(fake, {
      unleashApiTokens: [CONFIGURED_DEV, CONFIGURED_PROD],
      serverSideSdkTokens: [SERVER_SDK_TOKEN],
      refreshInterval: 200,
      tokenRevalidationIntervalSeconds: 1,
    });
  });
  afterEach(async () => {
    for (const reader of readers.splice(0)) reader.close();
    for (const sdk of sdks.splice(0)) sdk.destroy();
    // Back to the initial flags, seen by the proxy (a stream told of it) before the next test.
    // Every test awaits its own changes, so one frame is all a restore sends.
    for (const environment of ['development', 'production'] as const) {
      if (JSON.stringify(upstream[environment]) === JSON.stringify(INITIAL[environment])) continue;
      const { reader } = await connected(environment === 'development' ? SDK_DEV : SDK_PROD);
      Object.assign(upstream[environment], INITIAL[environment]);
      publish(environment);
      await nextEvent(reader);
      reader.close();
    }
  });
  afterAll(async () => {
    await proxy?.stop();
    await fake?.stop();
  });

  it("brings a change of the token's environment to the real unleash-client, never another environment's flags", async () => {
    // A poll would take an hour: only the stream can bring the change.
    const sdk = streamingSdk({
      url: `${proxy.origin}/api`,
      token: SDK_DEV,
      appName: 'scoped-streaming-test',
    });
    sdks.push(sdk);
    await once(sdk, 'synchronized');
    const names = () =>
      sdk
        .getFeatureToggleDefinitions()
        .map((definition) => definition.name)
        .sort();
    expect(names()).toEqual(['dev-only', 'dev-shop', 'dev-web']);
    expect(sdk.isEnabled('dev-only')).toBe(true);

    const changed = once(sdk, 'changed');
    toggle('development', 'dev-only');
    await changed;
    expect(sdk.isEnabled('dev-only')).toBe(false);
    expect(names()).toEqual(['dev-only', 'dev-shop', 'dev-web']);
    expect(sdk.isEnabled('prod-only')).toBe(false);
  });

  it('sends a development stream nothing for a change in production', async () => {
    const dev = await connected(SDK_DEV);
    expect(hydratedNames(dev.hydration)).toEqual(['dev-only', 'dev-shop', 'dev-web']);
    const prod = await connected(SDK_PROD);
    expect(hydratedNames(prod.hydration)).toEqual(['prod-only', 'prod-web']);

    toggle('production', 'prod-only');
    expect(changedNames(await nextEvent(prod.reader))).toEqual(['prod-only']);
    // The production change is in force; the next frame of the development stream must be the
    // development change made after it.
    toggle('development', 'dev-web');
    expect(changedNames(await nextEvent(dev.reader))).toEqual(['dev-web']);
  });

  it('sends a stream restricted to a project the changes of that project only', async () => {
    const web = await connected(SDK_DEV_WEB);
    expect(hydratedNames(web.hydration)).toEqual(['dev-web']);
    const dev = await connected(SDK_DEV);

    toggle('development', 'dev-shop');
    expect(changedNames(await nextEvent(dev.reader))).toEqual(['dev-shop']);
    toggle('development', 'dev-web');
    // The first frame after the hydration: nothing was sent for the other project's change.
    expect(changedNames(await nextEvent(web.reader))).toEqual(['dev-web']);
    expect(changedNames(await nextEvent(dev.reader))).toEqual(['dev-web']);
  });

  it("replays what a client missed from its own scope's history, and rehydrates another scope's id", async () => {
    const dev = await connected(SDK_DEV);
    const web = await connected(SDK_DEV_WEB);
    const watcher = await connected(SDK_DEV);
    dev.reader.close();
    web.reader.close();
    toggle('development', 'dev-web');
    expect(changedNames(await nextEvent(watcher.reader))).toEqual(['dev-web']);

    const resume = async (token: string, lastEventId: string | undefined) => {
      const reader = await stream(token, { 'last-event-id': lastEventId ?? '' });
      return nextEvent(reader);
    };
    const devMissed = await resume(SDK_DEV, dev.hydration.id);
    expect(changedNames(devMissed)).toEqual(['dev-web']);
    const webMissed = await resume(SDK_DEV_WEB, web.hydration.id);
    expect(changedNames(webMissed)).toEqual(['dev-web']);
    expect(webMissed.id).not.toBe(devMissed.id);

    // An id of the development scope means nothing to the web one or to production.
    expect(hydratedNames(await resume(SDK_DEV_WEB, dev.hydration.id))).toEqual(['dev-web']);
    expect(hydratedNames(await resume(SDK_PROD, dev.hydration.id))).toEqual([
      'prod-only',
      'prod-web',
    ]);
  });

  it('answers as /api/client/features: 401 unknown or revoked (ending its open streams), 403 other kinds or scopes', async () => {
    const statusOf = async (token?: string) => {
      const response = await fetch(`${proxy.origin}/api/client/streaming`, {
        headers: token === undefined ? {} : { authorization: token },
      });
      const body = response.headers.get('content-type')?.includes('json')
        ? ((await response.json()) as { code: string })
        : undefined;
      if (body === undefined) await response.body?.cancel();
      return { status: response.status, code: body?.code };
    };
    expect(await statusOf()).toEqual({ status: 401, code: 'INVALID_TOKEN' });
    expect(await statusOf('*:development.nobody')).toEqual({ status: 401, code: 'INVALID_TOKEN' });
    expect(await statusOf(FRONTEND_DEV)).toEqual({ status: 403, code: 'WRONG_TOKEN_TYPE' });
    expect(await statusOf(SDK_STAGING)).toEqual({ status: 403, code: 'SCOPE_NOT_COVERED' });

    const open = await connected(SDK_REVOKED);
    fake.setTokens(TOKENS.filter((token) => token.token !== SDK_REVOKED));
    // The stream of the revoked token ends at the revalidation that finds it gone.
    await open.reader.ended;
    await waitFor(
      async () => (await statusOf(SDK_REVOKED)).status === 401,
      'the revoked token to be refused',
    );
    expect(proxy.logs()).not.toContain(SDK_REVOKED);
  });

  it('keeps streaming the flags /proxy serves to a server-side SDK token', async () => {
    const { hydration } = await connected(SERVER_SDK_TOKEN);
    // The first configured token's flags: development's.
    expect(hydratedNames(hydration)).toEqual(['dev-only', 'dev-shop', 'dev-web']);
    const features = await fetch(`${proxy.origin}/api/client/features`, {
      headers: { authorization: SDK_DEV },
    });
    expect(features.status).toBe(200);
    expect(features.headers.get('fetch-mode')).toBeNull();
  });
});

describe('GET /api/client/streaming with PROXY_STREAMS_ENABLED=false', () => {
  it('answers 401 or 403 for a token it would refuse anyway, then 501 for a valid backend token', async () => {
    const fake = await new FakeUnleash().start();
    fake.setTokens(TOKENS);
    fake.setStateFor(CONFIGURED_DEV, { features: [flag('dev-only', 'default')] });
    fake.setStateFor(CONFIGURED_PROD, { features: [flag('prod-only', 'default')] });
    const proxy = await startProxyOn(fake, {
      unleashApiTokens: [CONFIGURED_DEV, CONFIGURED_PROD],
      streamsEnabled: false,
    });
    try {
      const statusOf = async (token?: string) => {
        const response = await fetch(`${proxy.origin}/api/client/streaming`, {
          headers: token === undefined ? {} : { authorization: token },
        });
        const body = (await response.json()) as { code: string };
        return `${response.status} ${body.code}`;
      };
      expect(await statusOf()).toBe('401 INVALID_TOKEN');
      expect(await statusOf(FRONTEND_DEV)).toBe('403 WRONG_TOKEN_TYPE');
      expect(await statusOf(SDK_DEV)).toMatch(/^501 /);
    } finally {
      await proxy.stop();
      await fake.stop();
    }
  });
});

describe('GET /api/client/streaming when Unleash revokes the configured token of an environment', () => {
  it("ends that environment's streams (their reconnection gets the naming 403), not the others'", async () => {
    const fake = await new FakeUnleash().start();
    fake.setTokens(TOKENS);
    fake.setStateFor(CONFIGURED_DEV, { features: [flag('dev-only', 'default')] });
    fake.setStateFor(CONFIGURED_PROD, { features: [flag('prod-only', 'default')] });
    const proxy = await startProxyOn(fake, {
      unleashApiTokens: [CONFIGURED_DEV, CONFIGURED_PROD],
      tokenRevalidationIntervalSeconds: 1,
    });
    const open = (token: string) =>
      openSse(`${proxy.origin}/api/client/streaming`, { authorization: token });
    const dev = await open(SDK_DEV);
    const prod = await open(SDK_PROD);
    try {
      expect((await nextEvent(dev)).event).toBe('unleash-connected');
      expect((await nextEvent(prod)).event).toBe('unleash-connected');

      fake.setTokens(TOKENS.filter((token) => token.token !== CONFIGURED_PROD));
      await prod.ended;
      const refused = await fetch(`${proxy.origin}/api/client/streaming`, {
        headers: { authorization: SDK_PROD },
      });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({
        code: 'SCOPE_NOT_COVERED',
        details: { missing: '*:production' },
      });

      // Development is served as before: its stream is open and gets the next change.
      fake.setStateFor(CONFIGURED_DEV, { features: [flag('dev-only', 'default', false)] });
      expect(changedNames(await nextEvent(dev))).toEqual(['dev-only']);
    } finally {
      dev.close();
      prod.close();
      await proxy.stop();
      await fake.stop();
    }
  });
});
