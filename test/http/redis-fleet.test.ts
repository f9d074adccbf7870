import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeUnleash } from '../helpers/fake-unleash.js';
import {
  type ProxyOnFake,
  QUICK_UPSTREAM_FAILURES,
  startProxyOn,
} from '../helpers/online-proxy.js';
import { type RunningRedis, startRedis } from '../helpers/redis-server.js';
import { startTcpRelay } from '../helpers/tcp-relay.js';
import { enabledFlags, servedFlags } from '../helpers/upstream-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

// A fleet sharing one backup in a real redis-server: one instance at a time fetches from
// Unleash, the others follow Redis, and a new instance starts ready while Unleash is down.

const INTERVAL = 300;
const NOW_FETCHING = 'this instance now fetches flags from Unleash for the fleet';

describe('instances sharing a backup in Redis', () => {
  let redis: RunningRedis;
  let fake: FakeUnleash;
  const running: ProxyOnFake[] = [];

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

  async function instance(id: string, redisUrl = redis.url): Promise<ProxyOnFake> {
    const proxy = await startProxyOn(fake, {
      refreshInterval: INTERVAL,
      ...QUICK_UPSTREAM_FAILURES,
      redisUrl,
      unleashInstanceId: id,
    });
    running.push(proxy);
    return proxy;
  }

  /** The instance ids of the fetches from Unleash since `from` (Date.now()), in order. */
  function fetchesSince(from: number): string[] {
    return fake
      .requestsTo('/api/client/features')
      .filter((request) => request.at >= from)
      .map((request) => String(request.headers['unleash-instanceid']));
  }

  it('one instance fetches, all serve the flags and their changes', async () => {
    fake = await new FakeUnleash(enabledFlags('first')).start();
    const instances = [
      await instance('fleet-a'),
      await instance('fleet-b'),
      await instance('fleet-c'),
    ];
    for (const proxy of instances) expect(await servedFlags(proxy)).toEqual(['first']);

    // Eight polls of Unleash: every instance had as many turns at the lease meanwhile.
    const from = Date.now();
    await waitFor(() => fetchesSince(from).length >= 8, 'eight fetches from Unleash');
    expect(new Set(fetchesSince(from)).size).toBe(1);

    fake.setState(enabledFlags('second'));
    for (const proxy of instances) {
      await vi.waitFor(async () => expect(await servedFlags(proxy)).toEqual(['second']), {
        timeout: 5_000,
        interval: 50,
      });
    }
    expect(new Set(fetchesSince(from)).size).toBe(1);
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
    const from = Date.now();
    await waitFor(() => fetchesSince(from).length > 0, 'a fetch with both instances up');
    const [fetcher] = fetchesSince(from);
    const [leader, follower] = fetcher === 'fleet-f' ? [a, b] : [b, a];

    await leader.stop();
    running.splice(running.indexOf(leader), 1);
    fake.setState(enabledFlags('after'));
    await vi.waitFor(async () => expect(await servedFlags(follower)).toEqual(['after']), {
      timeout: 5_000,
      interval: 50,
    });
  });

  it('a fetcher stopping while it renews its lease starts no fetch once the lease is released', async () => {
    fake = await new FakeUnleash(enabledFlags('leased')).start();
    const relay = await startTcpRelay({ host: '127.0.0.1', port: Number(new URL(redis.url).port) });
    try {
      const started = Date.now();
      const leader = await instance('fleet-h', `redis://127.0.0.1:${relay.port}`);
      // A 304 after the first fetch: the flags it got are stored, nothing waits on Redis.
      await waitFor(() => fetchesSince(started).length >= 2, "the leader's second fetch");

      // The leader's next renewal reaches Redis, and its answer is held back while it stops:
      // stopping releases the lease (the second command on the lease key), then the answers go.
      relay.holdAnswers();
      await relay.waitForSent(':fetch-lease');
      const renewing = Date.now();
      const stopping = leader.stop();
      running.splice(running.indexOf(leader), 1);
      await relay.waitForSent(':fetch-lease');
      relay.releaseAnswers();
      await stopping;

      // The next fetcher's first fetch comes after any the stopped one could still have sent.
      const next = await instance('fleet-i');
      await next.waitForLog(NOW_FETCHING);
      await waitFor(() => fetchesSince(renewing).includes('fleet-i'), "fleet-i's first fetch");
      expect(fetchesSince(renewing).filter((id) => id === 'fleet-h')).toEqual([]);
    } finally {
      await relay.stop();
    }
  });
});
