import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFREP_FLAGS, withCheckoutOff } from '../fixtures/ofrep-flags.js';
import { FakeUnleash } from '../helpers/fake-unleash.js';
import { CLIENT_KEY, type ProxyOnFake, startProxyOn } from '../helpers/online-proxy.js';
import { type RunningRedis, startRedis } from '../helpers/redis-server.js';
import { nextEvent, openSse } from '../helpers/sse-reader.js';

// A change seen by the instance that fetches reaches the event streams of every instance of a
// REDIS_URL fleet through Redis pub/sub, not at the followers' next poll of the shared backup.

describe('push across a Redis fleet', () => {
  let redis: RunningRedis;
  let fake: FakeUnleash;
  let fetcher: ProxyOnFake;
  let follower: ProxyOnFake;

  beforeAll(async () => {
    redis = await startRedis();
    fake = await new FakeUnleash(OFREP_FLAGS).start();
    fetcher = await startProxyOn(fake, { redisUrl: redis.url, unleashInstanceId: 'fetcher' });
    // The follower reads the shared backup only once a minute on its own.
    follower = await startProxyOn(fake, {
      redisUrl: redis.url,
      refreshInterval: 60_000,
      unleashInstanceId: 'follower',
    });
  });
  afterAll(async () => {
    await follower?.stop();
    await fetcher?.stop();
    await fake?.stop();
    await redis?.stop();
  });

  it("tells the follower's streams of a change the fetcher saw, within seconds", async () => {
    const stream = await openSse(`${follower.origin}/proxy/events?token=${CLIENT_KEY}`);
    expect(stream.response.status).toBe(200);
    const started = Date.now();
    fake.setState(withCheckoutOff());
    const event = JSON.parse((await nextEvent(stream)).data ?? '{}') as { type: string };
    expect(event.type).toBe('refetchEvaluation');
    expect(Date.now() - started).toBeLessThan(10_000);
    const answer = await fetch(`${follower.origin}/ofrep/v1/evaluate/flags/new-checkout`, {
      method: 'POST',
      headers: { authorization: CLIENT_KEY, 'content-type': 'application/json' },
      body: '{"context":{}}',
    });
    expect(((await answer.json()) as { value: boolean }).value).toBe(false);
    expect(
      fake
        .requestsTo('/api/client/features')
        .every((r) => r.headers['unleash-instanceid'] === 'fetcher'),
    ).toBe(true);
    stream.close();
  });
});
