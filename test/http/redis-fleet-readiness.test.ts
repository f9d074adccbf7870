import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeUnleash } from '../helpers/fake-unleash.js';
import { QUICK_UPSTREAM_FAILURES, startProxyOn } from '../helpers/online-proxy.js';
import { type RunningRedis, startRedis } from '../helpers/redis-server.js';
import type { RunningProxy } from '../helpers/start-proxy.js';
import { enabledFlags, servedFlags } from '../helpers/upstream-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

// One notion of "last synchronized with Unleash" for the whole fleet: the instances that
// follow Redis are as fresh as the one that fetches, and readiness, Prometheus and the logs
// say so on each of them.

const INTERVAL = 200;
const MAX_AGE_MS = 1_500;

async function readiness(proxy: RunningProxy): Promise<number> {
  return (await fetch(`${proxy.origin}/proxy/health/ready`)).status;
}

async function lastSyncSeconds(proxy: RunningProxy): Promise<number> {
  const text = await (await fetch(`${proxy.origin}/proxy/internal-backstage/prometheus`)).text();
  const line = text
    .split('\n')
    .find((entry) => entry.startsWith('unleash_proxy_last_successful_sync_timestamp_seconds '));
  return Number(line?.split(' ')[1]);
}

/**
 * Lets several readiness periods go by, checking at every poll that each instance is ready,
 * until each reports a sync of the fleet that happened `forMs` from now or later.
 */
async function stayReady(proxies: readonly RunningProxy[], forMs: number): Promise<void> {
  const until = (Date.now() + forMs) / 1000;
  await waitFor(
    async () => {
      let allPast = true;
      for (const proxy of proxies) {
        expect(await readiness(proxy)).toBe(200);
        if ((await lastSyncSeconds(proxy)) < until) allPast = false;
      }
      return allPast;
    },
    `a sync of the fleet ${forMs} ms from now on every instance`,
    15_000,
    100,
  );
}

describe('a Redis fleet keeps itself in service', () => {
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
      refreshInterval: INTERVAL,
      ...QUICK_UPSTREAM_FAILURES,
      redisUrl: redis.url,
      unleashInstanceId: id,
      readinessMaxAgeMs: MAX_AGE_MS,
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

  function fetchersSince(from: number): Set<string> {
    return new Set(fetchesSince(from));
  }

  it('stays ready on every instance, through the fetcher stopping, and a change reaches all', async () => {
    fake = await new FakeUnleash(enabledFlags('first')).start();
    const instances = [
      await instance('ready-a'),
      await instance('ready-b'),
      await instance('ready-c'),
    ];

    // Past the readiness age twice over: followers never poll Unleash themselves.
    await stayReady(instances, 2 * MAX_AGE_MS);
    // Four polls of Unleash: every instance had as many turns at the lease meanwhile.
    const from = Date.now();
    await waitFor(() => fetchesSince(from).length >= 4, 'four fetches from Unleash');
    const fetchers = fetchersSince(from);
    expect(fetchers.size).toBe(1);
    const fetcher = instances.find((proxy) => fetchers.has(proxy.app.config.unleashInstanceId));
    if (fetcher === undefined) throw new Error('no instance fetched');
    const others = instances.filter((proxy) => proxy !== fetcher);

    // Every instance reports the fleet's sync to Prometheus, within a few polls of the fetcher's.
    const now = Date.now() / 1000;
    for (const proxy of instances) {
      expect(now - (await lastSyncSeconds(proxy))).toBeLessThan((MAX_AGE_MS / 1000) * 0.8);
    }

    await fetcher.stop();
    running.splice(running.indexOf(fetcher), 1);
    const afterStop = Date.now();
    await stayReady(others, 2 * MAX_AGE_MS);
    expect(fetchersSince(afterStop).size).toBe(1);

    fake.setState(enabledFlags('second'));
    for (const proxy of others) {
      await vi.waitFor(async () => expect(await servedFlags(proxy)).toEqual(['second']), {
        timeout: 5_000,
        interval: 50,
      });
      expect(await readiness(proxy)).toBe(200);
    }
  }, 30_000);
});
