/**
 * Soak test: `npm run soak -- --seconds N [--concurrency C]`.
 *
 * Starts a FakeUnleash on 127.0.0.1 (its flags change every 10 s), the proxy as a child
 * process synced from it, and C workers sending a mix of GET /proxy, POST /proxy and
 * POST /proxy/all (plus client metrics when that route exists) for N seconds. Every 10 s it
 * prints requests, errors, p50/p99 latency and the proxy's RSS; at the end, a summary. Exits
 * non-zero when any request failed. Run by hand, not in CI.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { packageRoot } from '../src/package-root.js';
import { FakeUnleash } from '../test/helpers/fake-unleash.js';

const KEY = 'soak-client-key';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '16' },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
if (!Number.isInteger(seconds) || seconds < 1 || seconds > 24 * 3600) {
  throw new Error('--seconds must be a whole number from 1 to 86400');
}
if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 512) {
  throw new Error('--concurrency must be a whole number from 1 to 512');
}

/** The bundled example flags, copied under numbered names: about 60 flags of every kind. */
function flagSet(generation: number): { features: unknown[] } {
  const examples = JSON.parse(
    readFileSync(join(packageRoot(), 'examples', 'flags.json'), 'utf8'),
  ) as { features: { name: string; enabled: boolean }[] };
  const features = [];
  for (let copy = 0; copy < 8; copy += 1) {
    for (const feature of examples.features) {
      features.push({
        ...feature,
        name: `${feature.name}-${copy}`,
        enabled: copy === generation % 8 ? !feature.enabled : feature.enabled,
      });
    }
  }
  return { features };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no free port');
  return address.port;
}

function rssMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return Math.round(kb / 102.4) / 10;
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.floor(sorted.length * fraction));
  return Math.round((sorted[index] ?? 0) * 100) / 100;
}

interface Window {
  requests: number;
  errors: number;
  latencies: number[];
}

async function main(): Promise<void> {
  const fake = await new FakeUnleash(flagSet(0)).start();
  const port = await freePort();
  const child = spawn(process.execPath, [join(packageRoot(), 'dist', 'src', 'main.js')], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      UNLEASH_URL: fake.url,
      UNLEASH_API_TOKEN: 'soak-token',
      UNLEASH_PROXY_CLIENT_KEYS: KEY,
      UNLEASH_FETCH_INTERVAL: '1000',
      ENABLE_ALL_ENDPOINT: 'true',
      // Uploads usage counts to the fake every few seconds, so forwarding is under load too.
      UNLEASH_METRICS_INTERVAL: '5000',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    for (let attempt = 0; ; attempt += 1) {
      const health = await fetch(`${origin}/proxy/health`).catch(() => undefined);
      if (health?.status === 200) break;
      if (attempt > 100) throw new Error('the proxy did not become ready');
      await sleep(100);
    }
    const metricsProbe = await fetch(`${origin}/proxy/client/metrics`, {
      method: 'POST',
      headers: { authorization: KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ appName: 'soak', instanceId: 'soak', bucket: usageBucket(0) }),
    });
    const withMetrics = metricsProbe.status !== 404 && metricsProbe.status !== 405;
    console.log(
      `soak: ${seconds} s, ${concurrency} workers, proxy pid ${child.pid} on ${origin}, ` +
        `metrics route ${withMetrics ? 'present' : 'absent (not exercised)'}`,
    );

    const total: Window = { requests: 0, errors: 0, latencies: [] };
    let window: Window = { requests: 0, errors: 0, latencies: [] };
    const rss: number[] = [];
    const errorKinds = new Map<string, number>();
    const started = Date.now();
    const deadline = started + seconds * 1_000;

    const worker = async (id: number) => {
      for (let turn = 0; Date.now() < deadline; turn += 1) {
        const userId = `user-${(id * 7919 + turn) % 5000}`;
        const kind = turn % (withMetrics ? 4 : 3);
        const begin = performance.now();
        let ok = false;
        let label = '';
        try {
          const response =
            kind === 0
              ? await fetch(`${origin}/proxy?userId=${userId}&country=NO`, {
                  headers: { authorization: KEY },
                })
              : kind === 1
                ? await post(origin, '/proxy', { context: { userId, properties: { plan: 'pro' } } })
                : kind === 2
                  ? await post(origin, '/proxy/all', { context: { sessionId: userId } })
                  : await post(
                      origin,
                      turn % 8 === 3 ? '/proxy/client/metrics' : '/proxy/all/client/metrics',
                      { appName: 'soak', instanceId: `soak-${id}`, bucket: usageBucket(turn) },
                    );
          await response.arrayBuffer();
          ok = response.status < 400;
          label = `HTTP ${response.status}`;
        } catch (error) {
          label = error instanceof Error ? error.message : String(error);
        }
        const elapsed = performance.now() - begin;
        window.requests += 1;
        window.latencies.push(elapsed);
        if (!ok) {
          window.errors += 1;
          errorKinds.set(label, (errorKinds.get(label) ?? 0) + 1);
        }
      }
    };

    let generation = 0;
    const reporter = setInterval(() => {
      generation += 1;
      fake.setState(flagSet(generation));
      const sorted = window.latencies.sort((a, b) => a - b);
      const memory = rssMb(child);
      rss.push(memory);
      console.log(
        `t=${Math.round((Date.now() - started) / 1000)}s requests=${window.requests} ` +
          `rps=${Math.round(window.requests / 10)} errors=${window.errors} ` +
          `p50=${percentile(sorted, 0.5)}ms p99=${percentile(sorted, 0.99)}ms rss=${memory}MB`,
      );
      total.requests += window.requests;
      total.errors += window.errors;
      total.latencies.push(...sorted);
      window = { requests: 0, errors: 0, latencies: [] };
    }, 10_000);

    await Promise.all(Array.from({ length: concurrency }, (_, id) => worker(id)));
    clearInterval(reporter);
    total.requests += window.requests;
    total.errors += window.errors;
    total.latencies.push(...window.latencies);
    const sorted = total.latencies.sort((a, b) => a - b);
    console.log(
      `total: requests=${total.requests} errors=${total.errors} ` +
        `p50=${percentile(sorted, 0.5)}ms p99=${percentile(sorted, 0.99)}ms ` +
        `max=${percentile(sorted, 1)}ms rss=${rss.join(',')}MB (end ${rssMb(child)}MB)`,
    );
    for (const [label, count] of errorKinds) console.log(`  error ${label}: ${count}`);
    const uploads = fake.requestsTo('/api/client/metrics');
    console.log(
      `usage uploads to Unleash: ${uploads.length} (${uploads.filter((r) => r.status === 202).length} accepted)`,
    );
    process.exitCode = total.errors === 0 ? 0 : 1;
  } finally {
    child.kill('SIGTERM');
    await new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await fake.stop();
  }
}

function post(origin: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { authorization: KEY, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** A usage report as the browser SDK posts it: a handful of the flags, some with variants. */
function usageBucket(turn: number): {
  start: string;
  stop: string;
  toggles: Record<string, unknown>;
} {
  const now = new Date().toISOString();
  const toggles: Record<string, unknown> = {};
  for (let flag = 0; flag < 5; flag += 1) {
    const copy = (turn + flag) % 8;
    toggles[`new-checkout-${copy}`] = { yes: flag + 1, no: turn % 3, variants: {} };
    toggles[`welcome-banner-${copy}`] = { yes: 2, no: 1, variants: { friendly: 2, formal: 1 } };
  }
  return { start: now, stop: now, toggles };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
