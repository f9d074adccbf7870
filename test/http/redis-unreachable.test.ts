import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeUnleash } from '../helpers/fake-unleash.js';
import { QUICK_UPSTREAM_FAILURES, startProxyOn } from '../helpers/online-proxy.js';
import { freePort, type RunningRedis, startRedis } from '../helpers/redis-server.js';
import type { RunningProxy } from '../helpers/start-proxy.js';
import { enabledFlags, servedFlags } from '../helpers/upstream-proxy.js';

// REDIS_URL set but Redis not there, or gone mid-run: the proxy falls back to fetching from
// Unleash itself, keeps serving, says why in the log (never with the URL's password), and
// still closes cleanly.

const INTERVAL = 300;
const PASSWORD = 'redis-secret-pw';

describe('Redis unreachable', () => {
  let fake: FakeUnleash | undefined;
  let proxy: RunningProxy | undefined;
  let redis: RunningRedis | undefined;

  afterEach(async () => {
    await proxy?.stop();
    proxy = undefined;
    await redis?.stop();
    redis = undefined;
    await fake?.stop();
    fake = undefined;
  });

  it('from the start: ready from Unleash, serves and follows flags, logs why, closes', async () => {
    fake = await new FakeUnleash(enabledFlags('first')).start();
    const port = await freePort();
    proxy = await startProxyOn(fake, {
      refreshInterval: INTERVAL,
      ...QUICK_UPSTREAM_FAILURES,
      redisUrl: `redis://fleet-user:${PASSWORD}@127.0.0.1:${port}`,
    });
    expect(await servedFlags(proxy)).toEqual(['first']);

    fake.setState(enabledFlags('second'));
    const running = proxy;
    await vi.waitFor(async () => expect(await servedFlags(running)).toEqual(['second']), {
      timeout: 10_000,
      interval: 50,
    });

    const logs = proxy.logs();
    expect(logs).toMatch(/redis/i);
    expect(logs).toMatch(/ECONNREFUSED|unreachable/);
    expect(logs).not.toContain(PASSWORD);

    const stopping = proxy;
    proxy = undefined;
    await stopping.stop();
    expect(stopping.logs()).not.toContain(PASSWORD);
  });

  it('going away mid-run: keeps serving and keeps polling Unleash', async () => {
    redis = await startRedis();
    fake = await new FakeUnleash(enabledFlags('before')).start();
    proxy = await startProxyOn(fake, {
      refreshInterval: INTERVAL,
      ...QUICK_UPSTREAM_FAILURES,
      redisUrl: redis.url,
    });
    expect(await servedFlags(proxy)).toEqual(['before']);

    await redis.stop();
    redis = undefined;
    const stoppedAt = Date.now();
    expect(await servedFlags(proxy)).toEqual(['before']);

    fake.setState(enabledFlags('after'));
    const running = proxy;
    await vi.waitFor(async () => expect(await servedFlags(running)).toEqual(['after']), {
      timeout: 10_000,
      interval: 50,
    });
    const pollsSince = () =>
      fake?.requestsTo('/api/client/features').filter((request) => request.at > stoppedAt).length ??
      0;
    const seen = pollsSince();
    await vi.waitFor(() => expect(pollsSince()).toBeGreaterThan(seen + 2), {
      timeout: 10_000,
      interval: 50,
    });
    expect(await servedFlags(proxy)).toEqual(['after']);
    expect(proxy.logs()).toMatch(/redis/i);
  });
});
