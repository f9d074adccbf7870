import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CLIENT_KEY } from '../../src/app.js';
import { RateLimiter } from '../../src/middleware/rate-limit.js';
import { expectErrorShape } from '../helpers/raw-http.js';
import { type RunningProxy, startProxy } from '../helpers/start-proxy.js';

const running: RunningProxy[] = [];
afterEach(async () => {
  for (const proxy of running.splice(0)) await proxy.stop();
});

async function start(options: Parameters<typeof startProxy>[0]): Promise<RunningProxy> {
  const proxy = await startProxy(options);
  running.push(proxy);
  return proxy;
}

async function burst(
  proxy: RunningProxy,
  count: number,
  key = DEMO_CLIENT_KEY,
): Promise<Response[]> {
  const responses: Response[] = [];
  for (let index = 0; index < count; index += 1) {
    responses.push(await fetch(`${proxy.origin}/proxy`, { headers: { authorization: key } }));
  }
  return responses;
}

describe('rate limits', () => {
  it('are off by default', async () => {
    const proxy = await start({});
    const responses = await burst(proxy, 50);
    expect(responses.every((response) => response.status === 200)).toBe(true);
  });

  it('per client key: 429 with Retry-After and the JSON error shape past the rate', async () => {
    const proxy = await start({ rateLimitPerKey: 5 });
    const responses = await burst(proxy, 20);
    const limited = responses.filter((response) => response.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(responses.filter((response) => response.status === 200).length).toBeGreaterThanOrEqual(
      5,
    );
    const [first] = limited;
    expect(Number(first?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expectErrorShape(await first?.json(), 429, 'TOO_MANY_REQUESTS');
    // The health check is not limited.
    expect((await fetch(`${proxy.origin}/proxy/health`)).status).toBe(200);
  });

  it('per client IP: also counts requests with a wrong key', async () => {
    const proxy = await start({ rateLimitPerIp: 5 });
    const responses = await burst(proxy, 20, 'wrong-key');
    expect(responses.some((response) => response.status === 429)).toBe(true);
    expect(responses.some((response) => response.status === 401)).toBe(true);
  });
});

describe('rate limits across dialects', () => {
  it('one budget per client IP, whichever API the caller uses', async () => {
    // A bucket of one request: /proxy takes it, so OFREP right after must wait too.
    const proxy = await start({ rateLimitPerIp: 1 });
    const first = await fetch(`${proxy.origin}/proxy`, {
      headers: { authorization: DEMO_CLIENT_KEY },
    });
    expect(first.status).toBe(200);
    const ofrep = await fetch(`${proxy.origin}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEMO_CLIENT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ context: { targetingKey: 'alice' } }),
    });
    expect(ofrep.status).toBe(429);
    expect(Number(ofrep.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

describe('RateLimiter', () => {
  it('refills at the configured rate', () => {
    let now = 0;
    const limiter = new RateLimiter(2, () => now);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
    expect(limiter.take('b')).toBe(0);
    now = 500;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
  });
});
