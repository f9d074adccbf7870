/**
 * Benchmark of one instance serving several environments: the proxy (built, in its own
 * process) against an upstream with ten environments of 200 flags each, configured with the
 * backend token of one environment, then of all ten. Reports the RSS each extra environment
 * adds and the cost of a GET /api/frontend for a token of the first environment, both ways,
 * in interleaved rounds (the ratio is what to read: the machine may be shared).
 * Run `npm run bench:environments` (builds first); `-- --seconds 8 --rounds 3`.
 * A benchmark, not a test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildWorkload } from '../test/fixtures/workload.js';
import { type FakeToken, FakeUnleash } from '../test/helpers/fake-unleash.js';
import { type LoadResult, runLoad } from './http/load.js';
import { type RunningImplementation, startImplementation } from './http/processes.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    environments: { type: 'string', default: '10' },
    flags: { type: 'string', default: '200' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const environmentCount = Number(values.environments);
const flagCount = Number(values.flags);
const scratch = mkdtempSync(join(tmpdir(), 'unleash-bench-environments-'));

const environments = Array.from({ length: environmentCount }, (_, i) => `env-${i}`);
const backendToken = (environment: string) => `*:${environment}.bench-backend`;
const FRONTEND = `*:${environments[0]}.bench-frontend`;

async function startUpstream(): Promise<FakeUnleash> {
  const upstream = await new FakeUnleash().start();
  const tokens: FakeToken[] = [
    { token: FRONTEND, type: 'frontend', environment: environments[0] ?? '', projects: ['*'] },
  ];
  environments.forEach((environment, i) => {
    tokens.push({ token: backendToken(environment), type: 'client', environment, projects: ['*'] });
    // A different seed per environment: different flags, as real environments have.
    const workload = buildWorkload(flagCount, 42 + i);
    upstream.setStateFor(backendToken(environment), {
      features: workload.features,
      segments: workload.segments,
    });
  });
  upstream.setTokens(tokens);
  return upstream;
}

function startProxy(upstream: FakeUnleash, served: readonly string[], name: string) {
  const home = mkdtempSync(join(scratch, `${name}-`));
  return startImplementation({
    name,
    args: ['dist/src/main.js'],
    env: {
      UNLEASH_URL: upstream.url,
      UNLEASH_API_TOKENS: served.map(backendToken).join(','),
      UNLEASH_BACKUP_PATH: home,
      UNLEASH_FETCH_INTERVAL: '60000',
      LOG_LEVEL: 'warn',
      TMPDIR: home,
    },
    readyPath: '/internal-backstage/ready',
    readyHeaders: {},
  });
}

async function measure(proxy: RunningImplementation): Promise<LoadResult> {
  return runLoad(proxy, {
    durationSeconds: seconds,
    warmupSeconds: 2,
    connections: 20,
    headers: { Authorization: FRONTEND },
    path: (n) => `/api/frontend?userId=user-${n}&sessionId=${n}`,
    expectedStatus: 200,
  });
}

const median = (numbers: readonly number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

async function main(): Promise<void> {
  console.log(
    `${environmentCount} environments of ${flagCount} flags; ${rounds} rounds of ${seconds} s; ${cpus().length} CPUs, load ${loadavg()[0]?.toFixed(1)}`,
  );
  const upstream = await startUpstream();
  const one = {
    rss: [] as number[],
    idleRss: [] as number[],
    cpu: [] as number[],
    rps: [] as number[],
  };
  const all = {
    rss: [] as number[],
    idleRss: [] as number[],
    cpu: [] as number[],
    rps: [] as number[],
  };
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const [label, served, into] of [
        ['1 environment', environments.slice(0, 1), one],
        [`${environmentCount} environments`, environments, all],
      ] as const) {
        const proxy = await startProxy(upstream, served, label.replace(' ', '-'));
        try {
          into.idleRss.push(proxy.rssMiB());
          const result = await measure(proxy);
          if (result.failures > 0) throw new Error(`${label}: ${result.failures} failed answers`);
          into.rss.push(result.peakRssMiB);
          into.cpu.push(result.cpuMicrosPerRequest);
          into.rps.push(result.requestsPerSecond);
          console.log(
            `  round ${round} ${label.padEnd(16)} RSS ready ${proxy.rssMiB().toFixed(0)} MiB, peak ${result.peakRssMiB.toFixed(0)} MiB; ${Math.round(result.requestsPerSecond)} req/s, CPU ${result.cpuMicrosPerRequest.toFixed(0)} µs/req, p99 ${result.p99Ms} ms`,
          );
        } finally {
          await proxy.stop();
        }
      }
    }
  } finally {
    await upstream.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  const extra = environmentCount - 1;
  console.log('\nMedians:');
  console.log(
    `  RSS per extra environment: ${((median(all.idleRss) - median(one.idleRss)) / extra).toFixed(1)} MiB idle after ready, ${((median(all.rss) - median(one.rss)) / extra).toFixed(1)} MiB at peak under load`,
  );
  console.log(
    `  CPU per request, ${environmentCount} environments / 1: ${(median(all.cpu) / median(one.cpu)).toFixed(2)}x (${median(all.cpu).toFixed(0)} vs ${median(one.cpu).toFixed(0)} µs)`,
  );
  console.log(
    `  requests per second, 1 / ${environmentCount} environments: ${(median(one.rps) / median(all.rps)).toFixed(2)}x`,
  );
}

await main();
