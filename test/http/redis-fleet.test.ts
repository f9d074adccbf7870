import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeUnleash } from '../helpers/fake-unleash.js';
import { type RunningRedis, startRedis } from '../helpers/redis-server.js';
import { type RunningProxy, startProxy } from '../helpers/start-proxy.js';
import { enabledFlags, onlineOptions, servedFlags } from '../helpers/upstream-proxy.js';

// A fleet sharing one backup in a real redis-server: one instance at a time fetches from
// Unleash, the others follow Redis, and a new instance starts ready while Unleash is down.

const INTERVAL = 300;

describe('instances sharing a backup in Redis', () => {
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

  async function instance(id: string, waitUntilReady = true): Promise<RunningProxy> {
    const proxy = await startProxy(
      { ...onlineOptions(fake.lastUrl, INTERVAL), redisUrl: redis.url, unleashInstanceId: id },
      {},
      { waitUntilReady },
    );
    running.push(proxy);
    return proxy;
  }

  function fetchersSince(from: number): Set<string> {
    return new Set(
      fake
        .requestsTo('/api/client/features')
        .filter((request) => request.at >= from)
        .map((request) => String(request.headers['unleash-instanceid'])),
    );
  }

  it('one instance fetches, all serve the flags and their changes', async () => {
    fake = await new FakeUnleash(enabledFlags('first')).start();
    const instances = [
      await instance('fleet-a'),
      await instance('fleet-b'),
      await instance('fleet-c'),
    ];
    for (const proxy of instances) expect(await servedFlags(proxy)).toEqual(['first']);

    const from = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 8 * INTERVAL));
    expect(fetchersSince(from).size).toBe(1);

    fake.setState(enabledFlags('second'));
    for (const proxy of instances) {
      await vi.waitFor(async () => expect(await servedFlags(proxy)).toEqual(['second']), {
        timeout: 5_000,
        interval: 50,
      });
    }
    expect(fetchersSince(from).size).toBe(1);
  });

  it('a new instance starts ready from Redis while Unleash is down', async () => {
    fake = await new FakeUnleash(enabledFlags('shared')).start();
    const first = await instance('fleet-d');
    expect(await servedFlags(first)).toEqual(['shared']);
    await fake.stop();

    const late = await instance('fleet-e');
    expect(await servedFlags(late)).toEqual(['shared']);
  });

  it('when the fetching instance stops, another one takes over', async () => {
    fake = await new FakeUnleash(enabledFlags('before')).start();
    const a = await instance('fleet-f');
    const b = await instance('fleet-g');
    await new Promise((resolve) => setTimeout(resolve, 4 * INTERVAL));
    const from = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 4 * INTERVAL));
    const [fetcher] = [...fetchersSince(from)];
    const [leader, follower] = fetcher === 'fleet-f' ? [a, b] : [b, a];

    await leader.stop();
    running.splice(running.indexOf(leader), 1);
    fake.setState(enabledFlags('after'));
    await vi.waitFor(async () => expect(await servedFlags(follower)).toEqual(['after']), {
      timeout: 5_000,
      interval: 50,
    });
  });
});
