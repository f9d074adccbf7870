/**
 * The cost of 304s for flag sets with a custom strategy. Without one, a revalidation is
 * answered from the ETag alone (no evaluation); with one, the proxy evaluates, renders and
 * hashes the answer to know whether it changed (docs/api.md, "ETags and 304"). Loads both
 * side by side, in turn, in each round: 200 flags of the benchmark workload, one of them using
 * a custom strategy in the second, with the same request revalidated (304), then a GET with a
 * new user every time (200) for scale. Run: `npm run build && node --import tsx
 * bench/etag-custom-strategy.ts [rounds]`. A benchmark, not a test.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWorkload } from '../test/fixtures/workload.js';
import { FakeUnleash } from '../test/helpers/fake-unleash.js';
import { type LoadResult, type LoadSettings, runLoad } from './http/load.js';
import { pinCpus } from './http/pinning.js';
import { type RunningImplementation, startImplementation } from './http/processes.js';

const CLIENT_KEY = 'bench-client-key';
const AUTH = { Authorization: CLIENT_KEY };
const QUERY = '/proxy?userId=user-1&sessionId=1';
const rounds = Number(process.argv[2] ?? 3);
const scratch = mkdtempSync(join(tmpdir(), 'etag-bench-'));
const pinning = pinCpus(true);

const strategyFile = join(scratch, 'strategy.cjs');
writeFileSync(
  strategyFile,
  "module.exports = [{ name: 'evenUser', isEnabled: (_p, context) => (context.userId ?? '').length % 2 === 0 }];\n",
);

const workload = buildWorkload(200);
const withCustom = {
  ...workload,
  features: [
    ...workload.features,
    {
      name: 'custom-strategy-flag',
      enabled: true,
      strategies: [{ name: 'evenUser', parameters: {}, constraints: [] }],
    },
  ],
};

type Variant = 'built-in only' | 'custom strategy';

async function start(variant: Variant, upstream: FakeUnleash): Promise<RunningImplementation> {
  const home = mkdtempSync(join(scratch, 'home-'));
  return startImplementation({
    name: variant,
    args: ['dist/src/main.js'],
    env: {
      UNLEASH_URL: upstream.url,
      UNLEASH_API_TOKEN: 'bench-api-token',
      UNLEASH_PROXY_CLIENT_KEYS: CLIENT_KEY,
      LOG_LEVEL: 'warn',
      TMPDIR: home,
      ...(variant === 'custom strategy' ? { UNLEASH_CUSTOM_STRATEGIES_FILE: strategyFile } : {}),
    },
    readyPath: QUERY,
    readyHeaders: AUTH,
    cpu: pinning.implementationCpu,
  });
}

const settings = (
  path: LoadSettings['path'],
  status: number,
  headers: Record<string, string> = AUTH,
): LoadSettings => ({
  durationSeconds: 5,
  warmupSeconds: 1,
  connections: 10,
  headers,
  path,
  expectedStatus: status,
});

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main() {
  const upstreams = {
    'built-in only': await new FakeUnleash(workload).start(),
    'custom strategy': await new FakeUnleash(withCustom).start(),
  };
  const results: Record<string, LoadResult[]> = {};
  const record = (key: string, result: LoadResult) => {
    results[key] ??= [];
    results[key].push(result);
    console.log(
      `  ${key.padEnd(24)} ${Math.round(result.requestsPerSecond).toString().padStart(7)} req/s  CPU ${result.cpuMicrosPerRequest.toFixed(0)} µs/req  p99 ${result.p99Ms} ms${result.failures ? `  ${result.failures} FAILED` : ''}`,
    );
  };
  for (let round = 1; round <= rounds; round += 1) {
    console.log(`round ${round}/${rounds}`);
    for (const variant of ['built-in only', 'custom strategy'] as const) {
      const running = await start(variant, upstreams[variant]);
      try {
        const first = await fetch(`${running.origin}${QUERY}`, { headers: AUTH });
        const etag = first.headers.get('etag') ?? '';
        record(
          `${variant} 304`,
          await runLoad(
            running,
            settings(() => QUERY, 304, { ...AUTH, 'If-None-Match': etag }),
          ),
        );
        record(
          `${variant} 200`,
          await runLoad(
            running,
            settings((n) => `/proxy?userId=user-${n}`, 200),
          ),
        );
      } finally {
        await running.stop();
      }
    }
  }
  console.log(
    `\nMedians of ${rounds} rounds (${cpus().length} CPUs, load ${loadavg()[0]?.toFixed(1)}):`,
  );
  for (const [key, list] of Object.entries(results)) {
    console.log(
      `  ${key.padEnd(24)} ${Math.round(median(list.map((r) => r.requestsPerSecond)))} req/s, ${median(list.map((r) => r.cpuMicrosPerRequest)).toFixed(0)} µs CPU/req`,
    );
  }
  for (const upstream of Object.values(upstreams)) await upstream.stop();
  rmSync(scratch, { recursive: true, force: true });
}

await main();
