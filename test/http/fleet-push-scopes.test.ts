import { once } from 'node:events';
import type { Unleash } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeToken, FakeUnleash } from '../helpers/fake-unleash.js';
import { startProxyOn } from '../helpers/online-proxy.js';
import { type RunningRedis, startRedis } from '../helpers/redis-server.js';
import { nextEvent, openSse, type SseEvent } from '../helpers/sse-reader.js';
import type { RunningProxy } from '../helpers/start-proxy.js';
import { streamingSdk } from '../helpers/streaming-sdk.js';

// A REDIS_URL fleet with backend tokens of two environments: a change the fetching instance
// sees reaches the token-scoped streams of the other instance through Redis pub/sub (each
// scope's store announces on its own channel), and only the streams of that scope.

const CONFIGURED_DEV = '*:development.configured-dev';
const CONFIGURED_PROD = '*:production.configured-prod';
const SDK_DEV = '*:development.sdk-dev';
const SDK_PROD = '*:production.sdk-prod';
const TOKENS: FakeToken[] = [
  { token: CONFIGURED_DEV, type: 'backend', environment: 'development', projects: ['*'] },
  { token: CONFIGURED_PROD, type: 'backend', environment: 'production', projects: ['*'] },
  { token: SDK_DEV, type: 'backend', environment: 'development', projects: ['*'] },
  { token: SDK_PROD, type: 'backend', environment: 'production', projects: ['*'] },
];

const flag = (name: string, enabled: boolean) => ({
  name,
  project: 'default',
  enabled,
  strategies: [{ name: 'default', parameters: {}, constraints: [] }],
  variants: [],
  impressionData: false,
});

function changedNames(event: SseEvent): string[] {
  expect(event.event).toBe('unleash-updated');
  const { events } = JSON.parse(event.data ?? '{}') as { events: { feature?: { name: string } }[] };
  return events.map((delta) => delta.feature?.name ?? '?');
}

describe('token-scoped streams across a Redis fleet', () => {
  let redis: RunningRedis;
  let fake: FakeUnleash;
  let fetcher: RunningProxy;
  let follower: RunningProxy;
  let sdk: Unleash | undefined;

  beforeAll(async () => {
    redis = await startRedis();
    fake = await new FakeUnleash().start();
    fake.setTokens(TOKENS);
    fake.setStateFor(CONFIGURED_DEV, { features: [flag('dev-flag', true)] });
    fake.setStateFor(CONFIGURED_PROD, { features: [flag('prod-flag', true)] });
    const options = {
      unleashApiTokens: [CONFIGURED_DEV, CONFIGURED_PROD],
      redisUrl: redis.url,
    };
    fetcher = await startProxyOn(fake, { ...options, unleashInstanceId: 'fetcher' });
    // The follower reads the shared backups only once a minute on its own.
    follower = await startProxyOn(fake, {
      ...options,
      refreshInterval: 60_000,
      unleashInstanceId: 'follower',
    });
  });
  afterAll(async () => {
    sdk?.destroy();
    await follower?.stop();
    await fetcher?.stop();
    await fake?.stop();
    await redis?.stop();
  });

  it("tells the follower's streams of a backend token the changes of its scope only", async () => {
    // Its poll is an hour away: only the follower's stream can bring the change.
    const client = streamingSdk({
      url: `${follower.origin}/api`,
      token: SDK_DEV,
      appName: 'fleet-scoped-streaming-test',
    });
    sdk = client;
    await once(client, 'synchronized');
    expect(client.isEnabled('dev-flag')).toBe(true);
    expect(client.isEnabled('prod-flag')).toBe(false);

    const stream = (token: string) =>
      openSse(`${follower.origin}/api/client/streaming`, { authorization: token });
    const dev = await stream(SDK_DEV);
    const prod = await stream(SDK_PROD);
    try {
      expect((await nextEvent(dev)).event).toBe('unleash-connected');
      expect((await nextEvent(prod)).event).toBe('unleash-connected');

      fake.setStateFor(CONFIGURED_PROD, { features: [flag('prod-flag', false)] });
      expect(changedNames(await nextEvent(prod))).toEqual(['prod-flag']);
      const changed = once(client, 'changed');
      fake.setStateFor(CONFIGURED_DEV, { features: [flag('dev-flag', false)] });
      // The first frame on the development stream is the development change: none came for
      // production's.
      expect(changedNames(await nextEvent(dev))).toEqual(['dev-flag']);
      await changed;
      expect(client.isEnabled('dev-flag')).toBe(false);
      expect(client.isEnabled('prod-flag')).toBe(false);
    } finally {
      dev.close();
      prod.close();
    }
    // Only the fetcher asked Unleash for flags: the follower learned of both over Redis.
    const fetches = fake.requestsTo('/api/client/features');
    expect(fetches.length).toBeGreaterThan(0);
    expect(fetches.every((request) => request.headers['unleash-instanceid'] === 'fetcher')).toBe(
      true,
    );
  });
});
