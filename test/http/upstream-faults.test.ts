import { describe, expect, it, vi } from 'vitest';
import { FakeUnleash, type UpstreamFault } from '../helpers/fake-unleash.js';
import { CLIENT_KEY, QUICK_UPSTREAM_FAILURES, startProxyOn } from '../helpers/online-proxy.js';
import type { RunningProxy } from '../helpers/start-proxy.js';
import { enabledFlags, servedFlags } from '../helpers/upstream-proxy.js';

// Unleash in trouble: the proxy keeps serving the last good flags, logs what happened, backs
// off, and picks up changes soon after Unleash recovers.

const INTERVAL = 300;
/**
 * Time a fetch cycle may take on top of the polling schedule: unleash-client retries a
 * refused connection, a 429 or a 5xx twice, 1 s and then 2 s apart, before it counts a
 * failure, and retries a request past UNLEASH_TIMEOUT_MS (1 s here) the same way.
 */
const RETRYING_CYCLE = 3_500;

type Cleanups = (() => Promise<void>)[];

/** Runs a test with its own list of things to stop (tests here run concurrently). */
async function withCleanups(body: (cleanups: Cleanups) => Promise<void>): Promise<void> {
  const cleanups: Cleanups = [];
  try {
    await body(cleanups);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

async function startFake(cleanups: Cleanups, state = enabledFlags('before')): Promise<FakeUnleash> {
  const fake = await new FakeUnleash(state).start();
  cleanups.push(() => fake.stop());
  return fake;
}

async function startOnline(
  cleanups: Cleanups,
  fake: FakeUnleash,
  { waitUntilReady = true, interval = INTERVAL } = {},
): Promise<RunningProxy> {
  const proxy = await startProxyOn(
    fake,
    { refreshInterval: interval, ...QUICK_UPSTREAM_FAILURES },
    {},
    { waitUntilReady },
  );
  cleanups.push(() => proxy.stop());
  return proxy;
}

function featureRequests(fake: FakeUnleash): number {
  return fake.requestsTo('/api/client/features').length;
}

describe('Unleash down at boot', () => {
  it('answers 503 until the first load, then is ready within two intervals of Unleash coming up', () =>
    withCleanups(async (cleanups) => {
      const interval = 2_000;
      const fake = await startFake(cleanups);
      await fake.stop();
      const proxy = await startOnline(cleanups, fake, { waitUntilReady: false, interval });

      const early = await fetch(`${proxy.origin}/proxy`, {
        headers: { authorization: CLIENT_KEY },
      });
      expect(early.status).toBe(503);
      expect(await early.json()).toMatchObject({ statusCode: 503, code: 'NOT_READY' });
      expect((await fetch(`${proxy.origin}/proxy/health`)).status).toBe(503);

      await fake.start();
      await vi.waitFor(
        async () => {
          expect((await fetch(`${proxy.origin}/proxy/health`)).status).toBe(200);
        },
        { timeout: 2 * interval, interval: 50 },
      );
      expect(await servedFlags(proxy)).toEqual(['before']);
    }));
});

const faults: [string, UpstreamFault | 'down', RegExp, number][] = [
  ['going down', 'down', /ECONNREFUSED|unleash-client reported an error/, RETRYING_CYCLE],
  ['answering 500', { kind: 'status', status: 500 }, /responded 500/, RETRYING_CYCLE],
  [
    'answering 429',
    { kind: 'status', status: 429 },
    /responded TOO_MANY_CONNECTIONS \(429\)/,
    RETRYING_CYCLE,
  ],
  ['answering 401', { kind: 'status', status: 401 }, /refused the API token/, 0],
  ['answering malformed JSON', { kind: 'body', body: '{"features": [' }, /JSON/, 0],
  [
    'answering truncated JSON',
    { kind: 'body', body: '{"version": 2, "features": [{"name": "x", "enab' },
    /JSON/,
    0,
  ],
  [
    'answering no feature list',
    { kind: 'body', body: '{"version": 2, "toggles": []}' },
    /neither a delta nor a full response/,
    0,
  ],
  [
    'answering features of the wrong shape',
    {
      kind: 'body',
      body: '{"version": 2, "features": [{"name": "bad", "enabled": "yes", "strategies": {}}]}',
    },
    /refused flags of the wrong shape/,
    0,
  ],
  [
    'answering constraints of the wrong shape',
    {
      kind: 'body',
      body: '{"version": 2, "features": [{"name": "bad", "enabled": true, "strategies": [{"name": "default", "constraints": [42]}]}]}',
    },
    /refused flags of the wrong shape/,
    0,
  ],
  [
    'resetting the connection',
    { kind: 'reset' },
    /unleash-client (reported an error|warning)/,
    RETRYING_CYCLE,
  ],
  [
    'answering after 10 s',
    { kind: 'delay', ms: 10_000 },
    /unleash-client reported an error/,
    5_500,
  ],
];

describe.concurrent('Unleash failing after the first load', () => {
  it.each(faults)(
    '%s: serves the last good flags, logs, backs off, recovers',
    (_name, fault, logged, cycle) =>
      withCleanups(async (cleanups) => {
        const fake = await startFake(cleanups);
        const proxy = await startOnline(cleanups, fake);
        expect(await servedFlags(proxy)).toEqual(['before']);

        fake.setState(enabledFlags('after'));
        const before = featureRequests(fake);
        const faultStart = Date.now();
        if (fault === 'down') await fake.stop();
        else fake.setFault(fault);

        // Long enough for ten polls at the normal interval. A fixed window on purpose: what is
        // asserted is a rate (the backoff allows at most 7 polls in it), and only a clock bounds
        // a rate; the flags and the log line are there long before it ends.
        const window = 10 * INTERVAL + cycle;
        await new Promise((resolve) => setTimeout(resolve, window));
        expect(await servedFlags(proxy)).toEqual(['before']);
        expect(proxy.logs()).toMatch(logged);
        if (fault !== 'down') {
          const attempts = fake
            .requestsTo('/api/client/features')
            .slice(before)
            .filter((request) => request.at - faultStart <= window).length;
          expect(attempts).toBeGreaterThan(0);
          // Backing off: clearly fewer fetches than one per interval.
          expect(attempts).toBeLessThanOrEqual(7);
        }

        if (fault === 'down') await fake.start();
        else fake.setFault(undefined);
        await vi.waitFor(async () => expect(await servedFlags(proxy)).toEqual(['after']), {
          timeout: 3 * INTERVAL + cycle + 500,
          interval: 50,
        });
      }),
  );
});
