import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Flag counts to run, e.g. [20, 200, 2000]. */
  readonly flagCounts: readonly number[];
  /** Rounds per flag count; each round loads every implementation once, in turn. */
  readonly rounds: number;
  /** Pin the implementation and the load generator to different CPUs (taskset). */
  readonly pin: boolean;
  /** Seconds measured per run, after the warm-up. */
  readonly durationSeconds: number;
  /** Seconds of load before each measured run, not counted. */
  readonly warmupSeconds: number;
  readonly connections: number;
  /** Requests per second of the fixed-rate GET run (latency without a queue); 0 skips it. */
  readonly rate: number;
  /** Implementations to load: any of koa, lane (the fast-lane build), original, bare, floor. */
  readonly only: ReadonlySet<string>;
  /** Contexts compared between this proxy and the original before loading. */
  readonly sampleSize: number;
  /** Only compare the answers of this proxy and the original; no load. */
  readonly checkOnly: boolean;
  /** Accept-Encoding sent with every loaded request ('' for none, as by default). */
  readonly acceptEncoding: string;
  /** Folder for a V8 CPU profile of this proxy (--cpu-prof), when set. */
  readonly profileDir: string | undefined;
  /** Where the markdown table is written (besides stdout). */
  readonly output: string;
  /**
   * The location and device scenario instead (bench/http/enrichers.ts): this proxy alone, with
   * PROXY_GEOIP_DATABASE and PROXY_DEVICE_CONTEXT off and on, side by side in each round.
   */
  readonly enrichers: boolean;
  /**
   * The tracing scenario instead (bench/http/tracing.ts): this proxy as built before tracing
   * existed, with tracing off, and with it on, side by side in each round.
   */
  readonly tracing: boolean;
}

const USAGE = `npm run bench -- [--flags 20,200,2000] [--rounds 3] [--duration 8] [--warmup 2]
  [--no-pin] [--connections 50] [--rate 2000] [--only koa,lane,original,bare,floor] [--samples 200]
  [--check-only]
  [--profile dir] [--accept-encoding 'gzip, deflate, br'] [--output bench/results/latest.md]
  [--enrichers] [--tracing]

Each round loads every implementation in turn (GET, then 304), so that a slow phase of a shared
machine hits them alike; the table shows medians over the rounds. --pin (on by default, when
taskset and 2 CPUs are there) runs the implementations on one CPU and the load generator on
another. Time: flag counts x rounds x implementations x 2 runs x (warm-up + duration), plus
start-ups: with the defaults 3 x 3 x 5 x 3 x 10 s, about 25 minutes (--flags 200: 9).

Implementations: koa (this build, dist/), lane (the fast-lane build of commit 8a87d34, built once
into .cache/bench/ from git archive; see bench/http/previous-build.ts), original (@unleash/proxy),
bare (node:http sending this build's answer), floor (Koa and @koa/router alone sending
this build's answer with its headers: bench/http/koa-floor.mjs). Each runs GET at
saturation, 304 at saturation, then GET at --rate requests/s across the connections (0 skips
that run).

--enrichers runs another scenario: GET /proxy on this proxy alone (200 flags unless --flags),
every request from one of 2,000 client addresses (X-Forwarded-For, TRUST_PROXY=true) with one
of 8 current browsers' User-Agent, with location and device enrichment off, on, and on with a
new address on every request (no cache hit); each round runs the three in turn. Table in
bench/results/enrichers.md unless --output. About 2 minutes with the defaults.

--tracing runs GET /proxy (200 flags unless --flags) on this proxy as built from the commit
before OpenTelemetry came in, on this build with tracing off, and on it with tracing on
(OTLP http/protobuf to a receiver in the bench process); each round runs the three in turn.
Table in bench/results/tracing.md unless --output. About 2 minutes with the defaults.`;

function positiveInteger(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`--${name} must be a positive integer, got "${text}"\n${USAGE}`);
  }
  return value;
}

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      flags: { type: 'string' },
      rounds: { type: 'string', default: '3' },
      pin: { type: 'boolean', default: true },
      duration: { type: 'string', default: '8' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '50' },
      rate: { type: 'string', default: '2000' },
      only: { type: 'string', default: 'koa,lane,original,bare,floor' },
      samples: { type: 'string', default: '200' },
      output: { type: 'string' },
      enrichers: { type: 'boolean', default: false },
      tracing: { type: 'boolean', default: false },
      'check-only': { type: 'boolean', default: false },
      profile: { type: 'string' },
      'accept-encoding': { type: 'string', default: '' },
      help: { type: 'boolean', default: false },
    },
    allowNegative: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const only = new Set(values.only.split(',').map((name) => name.trim()));
  for (const name of only) {
    if (!['koa', 'lane', 'original', 'bare', 'floor'].includes(name)) {
      throw new Error(`--only: unknown "${name}"`);
    }
  }
  return {
    flagCounts: (values.flags ?? (values.enrichers || values.tracing ? '200' : '20,200,2000'))
      .split(',')
      .map((text) => positiveInteger(text.trim(), 'flags')),
    rounds: positiveInteger(values.rounds, 'rounds'),
    pin: values.pin,
    durationSeconds: positiveInteger(values.duration, 'duration'),
    warmupSeconds: Number(values.warmup),
    connections: positiveInteger(values.connections, 'connections'),
    rate: values.rate === '0' ? 0 : positiveInteger(values.rate, 'rate'),
    only,
    sampleSize: Number(values.samples),
    checkOnly: values['check-only'],
    profileDir: values.profile,
    acceptEncoding: values['accept-encoding'],
    output:
      values.output ??
      (values.enrichers
        ? 'bench/results/enrichers.md'
        : values.tracing
          ? 'bench/results/tracing.md'
          : 'bench/results/latest.md'),
    enrichers: values.enrichers,
    tracing: values.tracing,
  };
}
