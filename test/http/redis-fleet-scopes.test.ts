import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FakeToken, FakeUnleash } from '../helpers/fake-unleash.js';
import { startProxyOn } from '../helpers/online-proxy.js';
import { type RunningRedis, startRedis } from '../helpers/redis-server.js';
import type { RunningProxy } from '../helpers/start-proxy.js';
import { enabledFlags } from '../helpers/upstream-proxy.js';

// A Redis fleet with several backend tokens: the fetch lease is per scope, so each scope has
// exactly one instance fetching it from Unleash, and every instance serves every scope.

const INTERVAL = 200;
const BACKEND_DEV = '*:development.fleet-backend-dev';
const BACKEND_PROD = '*:production.fleet-backend-prod';
const FRONT_DEV = '*:development.fleet-front-dev';
const FRONT_PROD = '*:production.fleet-front-prod';
const TOKENS: FakeToken[] = [
  { token: BACKEND_DEV, type: 'backend', environment: 'development', projects: ['*'] },
  { token: BACKEND_PROD, type: 'backend', environment: 'production', projects: ['*'] },
  { token: FRONT_DEV, type: 'frontend', environment: 'development', projects: ['*'] },
  { token: FRONT_PROD, type: 'frontend', environment: 'production', projects: ['*'] },
];

async function frontendFlags(proxy: RunningProxy, token: string): Promise<string[]> {
  const response = await fetch(`${proxy.origin}/api/frontend`, {
    headers: { authorization: token },
  });
  if (response.status !== 200) return [`status ${response.status}`];
  const body = (await response.json()) as { toggles: { name: string }[] };
  return body.toggles.map((toggle) => toggle.name).sort();
}

describe('a Redis fleet with two backend tokens', () => {
  let redis: RunningRedis;
  let fake: FakeUnleash;
  const running: RunningProxy[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    for (const proxy of running.splice(0)) await proxy.stop();
    await fake?.stop();
  });

  async function instance(id: string): Promise<RunningProxy> {
    const proxy = await startProxyOn(fake, {
      unleashApiTokens: [BACKEND_DEV, BACKEND_PROD],
      clientKeys: ['fleet-scopes-key'],
      redisUrl: redis.url,
      unleashInstanceId: id,
      refreshInterval: INTERVAL,
    });
    running.push(proxy);
    return proxy;
  }

  /** The instances that fetched with `token` since `from`. */
  function fetchersOf(token: string, from: number): Set<string> {
    return new Set(
      fake
        .requestsTo('/api/client/features')
        .filter((request) => request.at >= from && request.headers.authorization === token)
        .map((request) => String(request.headers['unleash-instanceid'])),
    );
  }

  async function expectServed(
    instances: readonly RunningProxy[],
    dev: readonly string[],
    prod: readonly string[],
  ): Promise<void> {
    for (const proxy of instances) {
      await vi.waitFor(
        async () => {
          expect(await frontendFlags(proxy, FRONT_DEV)).toEqual(dev);
          expect(await frontendFlags(proxy, FRONT_PROD)).toEqual(prod);
        },
        { timeout: 5_000, interval: 50 },
      );
    }
  }

  it('has one fetcher per scope, and every instance serves both scopes and their changes', async () => {
    fake = await new FakeUnleash().start();
    fake.setTokens(TOKENS);
    fake.setStateFor(BACKEND_DEV, enabledFlags('dev-first'));
    fake.setStateFor(BACKEND_PROD, enabledFlags('prod-first'));
    const instances = [await instance('scopes-a'), await instance('scopes-b')];
    await expectServed(instances, ['dev-first'], ['prod-first']);

    const from = Date.now();
    await vi.waitFor(
      () => {
        // Several polls of each scope, each scope's by one instance only.
        for (const token of [BACKEND_DEV, BACKEND_PROD]) {
          const polls = fake
            .requestsTo('/api/client/features')
            .filter((request) => request.at >= from && request.headers.authorization === token);
          expect(polls.length).toBeGreaterThanOrEqual(4);
        }
      },
      { timeout: 10_000, interval: 50 },
    );
    for (const token of [BACKEND_DEV, BACKEND_PROD]) {
      const fetchers = fetchersOf(token, from);
      expect(fetchers.size, token).toBe(1);
      expect(['scopes-a', 'scopes-b']).toContain([...fetchers][0]);
    }

    fake.setStateFor(BACKEND_PROD, enabledFlags('prod-second'));
    await expectServed(instances, ['dev-first'], ['prod-second']);
    fake.setStateFor(BACKEND_DEV, enabledFlags('dev-second'));
    await expectServed(instances, ['dev-second'], ['prod-second']);

    // The instance fetching production stops: the other takes its scope over, alone.
    const [prodFetcher] = fetchersOf(BACKEND_PROD, from);
    const leaving = instances.find((proxy) => proxy.app.config.unleashInstanceId === prodFetcher);
    const staying = instances.filter((proxy) => proxy !== leaving);
    if (leaving === undefined) throw new Error('no instance fetched production');
    await leaving.stop();
    running.splice(running.indexOf(leaving), 1);
    const afterStop = Date.now();
    fake.setStateFor(BACKEND_PROD, enabledFlags('prod-third'));
    await expectServed(staying, ['dev-second'], ['prod-third']);
    expect(fetchersOf(BACKEND_PROD, afterStop)).toEqual(
      new Set(staying.map((proxy) => proxy.app.config.unleashInstanceId)),
    );
  }, 30_000);
});
