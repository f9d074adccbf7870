/**
 * Push benchmark: N event streams (default 10,000) held open on one proxy instance (a child
 * process), then flag changes made upstream. Reports the proxy's memory per open stream, and
 * per change the time until each stream is told (p50, p99, the last one), measured from the
 * change upstream and from the proxy's fetch of it, next to the polling it replaces.
 * The proxy syncs two environments (a backend token each, development first, so /proxy serves
 * development); part of the streams follow a client key (GET /proxy/events), the rest an
 * Unleash frontend token of either environment (GET /api/frontend/events, one scope each), and
 * every change flips the flag in both environments.
 * Run `npm run bench:push` (builds first, raises the open-file limit to the hard limit);
 * options: --streams N, --changes N, --fetch-interval MS, --poll-interval MS,
 * --frontend-percent P (the share of frontend-token streams, 50 by default; 0: client keys only).
 * A benchmark, not a test: the numbers depend on the machine and what else runs on it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeUnleash } from '../test/helpers/fake-unleash.js';
import { startImplementation } from './http/processes.js';

const CLIENT_KEY = 'bench-client-key';
/** The proxy's backend tokens: development's is the first, the flags /proxy serves. */
const BACKEND_DEV = '*:development.bench-backend-dev';
const BACKEND_PROD = '*:production.bench-backend-prod';
const FRONTEND_DEV = '*:development.bench-frontend-dev';
const FRONTEND_PROD = '*:production.bench-frontend-prod';
const TOKENS = [
  { token: BACKEND_DEV, type: 'backend', environment: 'development', projects: ['*'] },
  { token: BACKEND_PROD, type: 'backend', environment: 'production', projects: ['*'] },
  { token: FRONTEND_DEV, type: 'frontend', environment: 'development', projects: ['*'] },
  { token: FRONTEND_PROD, type: 'frontend', environment: 'production', projects: ['*'] },
] as const;

function numberOption(name: string, fallback: number, minimum = 1): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < minimum) {
    throw new Error(`--${name} needs an integer >= ${minimum}`);
  }
  return value;
}

const STREAMS = numberOption('streams', 10_000);
const CHANGES = numberOption('changes', 5);
/** The proxy's poll of Unleash (UNLEASH_FETCH_INTERVAL): part of any client's wait, push or not. */
const FETCH_INTERVAL = numberOption('fetch-interval', 1_000);
/** The frontend SDK polling that push replaces: unleash-proxy-client's default refreshInterval. */
const POLL_INTERVAL = numberOption('poll-interval', 15_000);
const FRONTEND_PERCENT = numberOption('frontend-percent', 50, 0);
if (FRONTEND_PERCENT > 100) throw new Error('--frontend-percent needs an integer 0-100');

/** The streams of one credential: where they connect, and whose fetch brings their changes. */
interface StreamKind {
  readonly label: string;
  readonly path: string;
  /** The backend token whose flags the streams follow (its fetches start their fan-out). */
  readonly fetchedWith: string;
  readonly count: number;
}

function streamKinds(): StreamKind[] {
  const frontend = Math.round((STREAMS * FRONTEND_PERCENT) / 100);
  const production = Math.floor(frontend / 2);
  const tokenStream = (token: string) => `/api/frontend/events?token=${encodeURIComponent(token)}`;
  return [
    {
      label: 'client key, /proxy/events',
      path: `/proxy/events?token=${CLIENT_KEY}`,
      fetchedWith: BACKEND_DEV,
      count: STREAMS - frontend,
    },
    {
      label: 'frontend token of development, /api/frontend/events',
      path: tokenStream(FRONTEND_DEV),
      fetchedWith: BACKEND_DEV,
      count: frontend - production,
    },
    {
      label: 'frontend token of production, /api/frontend/events',
      path: tokenStream(FRONTEND_PROD),
      fetchedWith: BACKEND_PROD,
      count: production,
    },
  ].filter((kind) => kind.count > 0);
}

function flags(enabled: boolean) {
  return {
    version: 2,
    features: [
      {
        name: 'kill-switch',
        enabled,
        strategies: [{ name: 'default', parameters: {}, constraints: [] }],
      },
    ],
  };
}

interface Stream {
  readonly kind: StreamKind;
  /** When this stream was last told of a change (performance.now()), or undefined. */
  toldAt: number | undefined;
  response: IncomingMessage;
}

/** Opens one stream and resolves once its headers arrived. */
function openStream(origin: string, kind: StreamKind): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${origin}${kind.path}`);
    const req = request(
      { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, agent: false },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`stream refused: ${response.statusCode}`));
          response.resume();
          return;
        }
        const stream: Stream = { kind, toldAt: undefined, response };
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (chunk.includes('refetchEvaluation')) stream.toldAt = performance.now();
        });
        resolve(stream);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function openStreams(origin: string, kind: StreamKind): Promise<Stream[]> {
  const streams: Stream[] = [];
  const BATCH = 250;
  for (let opened = 0; opened < kind.count; opened += BATCH) {
    const batch = Math.min(BATCH, kind.count - opened);
    streams.push(
      ...(await Promise.all(Array.from({ length: batch }, () => openStream(origin, kind)))),
    );
  }
  return streams;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return (
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  );
}

const round = (value: number) => Math.round(value * 10) / 10;
const median = (values: readonly number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

/** The flag in both environments, as each backend token reads it. */
function publish(fake: FakeUnleash, enabled: boolean): void {
  for (const token of [BACKEND_DEV, BACKEND_PROD]) fake.setStateFor(token, flags(enabled));
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'push-bench-'));
  const fake = await new FakeUnleash().start();
  fake.setTokens(TOKENS.map((token) => ({ ...token, projects: [...token.projects] })));
  publish(fake, true);
  const kinds = streamKinds();
  const proxy = await startImplementation({
    name: 'koa',
    args: ['dist/src/main.js'],
    env: {
      UNLEASH_URL: fake.url,
      UNLEASH_API_TOKENS: `${BACKEND_DEV},${BACKEND_PROD}`,
      UNLEASH_PROXY_CLIENT_KEYS: CLIENT_KEY,
      UNLEASH_FETCH_INTERVAL: String(FETCH_INTERVAL),
      PROXY_STREAM_MAX_CONNECTIONS: String(STREAMS + 100),
      LOG_LEVEL: 'warn',
      TMPDIR: scratch,
    },
    // Ready once both environments have their flags.
    readyPath: '/proxy/health/ready',
    readyHeaders: {},
  });
  const streams: Stream[] = [];
  try {
    // Settle what the first requests allocated before the baseline.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const rssBefore = proxy.rssMiB();
    const openStarted = performance.now();
    for (const kind of kinds) streams.push(...(await openStreams(proxy.origin, kind)));
    const openSeconds = (performance.now() - openStarted) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const rssOpen = proxy.rssMiB();
    const perStreamKiB = ((rssOpen - rssBefore) * 1024) / STREAMS;

    const fromChange: number[] = [];
    const fromFetch: number[] = [];
    const lastFromChange: number[] = [];
    const lastFromFetch: number[] = [];
    /** Per kind: each stream's time from its scope's fetch, and the last one of each change. */
    const byKind = new Map(
      kinds.map((kind) => [kind, { fromFetch: [] as number[], lastFromFetch: [] as number[] }]),
    );
    let missed = 0;
    for (let change = 0; change < CHANGES; change += 1) {
      for (const stream of streams) stream.toldAt = undefined;
      const requestsBefore = fake.requestsTo('/api/client/features').length;
      const changedAt = performance.now();
      const changedAtMs = Date.now();
      publish(fake, change % 2 === 1);
      const deadline = changedAt + FETCH_INTERVAL + 30_000;
      while (
        streams.some((stream) => stream.toldAt === undefined) &&
        performance.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Each scope's first poll after the change: its fan-out starts with the answer.
      const polls = fake.requestsTo('/api/client/features').slice(requestsBefore);
      const fetchedAt = (token: string) => {
        const fetched = polls.find(
          (entry) => entry.at >= changedAtMs && entry.headers.authorization === token,
        );
        return fetched === undefined ? changedAt : changedAt + (fetched.at - changedAtMs);
      };
      const told = streams.flatMap((stream) =>
        stream.toldAt === undefined ? [] : [{ at: stream.toldAt, kind: stream.kind }],
      );
      missed += streams.length - told.length;
      fromChange.push(...told.map(({ at }) => at - changedAt));
      lastFromChange.push(Math.max(...told.map(({ at }) => at)) - changedAt);
      let lastOfChange = 0;
      for (const [kind, figures] of byKind) {
        const start = fetchedAt(kind.fetchedWith);
        const times = told.flatMap((entry) =>
          entry.kind === kind ? [Math.max(0, entry.at - start)] : [],
        );
        figures.fromFetch.push(...times);
        figures.lastFromFetch.push(Math.max(...times));
        fromFetch.push(...times);
        lastOfChange = Math.max(lastOfChange, ...times);
      }
      lastFromFetch.push(lastOfChange);
      // Let the proxy's next poll pass before the next change.
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    fromChange.sort((a, b) => a - b);
    fromFetch.sort((a, b) => a - b);
    const rssAfter = proxy.rssMiB();

    const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')} at the end`;
    const mix = kinds.map((kind) => `${kind.count} ${kind.label}`).join('; ');
    const lines = [
      `# Push benchmark`,
      '',
      `${STREAMS} event streams on one proxy instance syncing two environments (${mix}), ${CHANGES} flag changes upstream in both environments; the proxy polls Unleash every ${FETCH_INTERVAL} ms per environment. Measured ${new Date().toISOString()} on ${machine}; the machine was shared with other work while measuring, so read the ratios.`,
      '',
      '| Figure | Value |',
      '| --- | --- |',
      `| streams opened | ${STREAMS} in ${round(openSeconds)} s; missed notifications: ${missed} |`,
      `| proxy RSS | ${round(rssBefore)} MiB idle, ${round(rssOpen)} MiB with the streams open, ${round(rssAfter)} MiB after the changes |`,
      `| memory per open stream | ${round(perStreamKiB)} KiB |`,
      `| change upstream -> client told, p50 / p99 | ${round(percentile(fromChange, 50))} / ${round(percentile(fromChange, 99))} ms |`,
      `| proxy's fetch -> client told (the fan-out), p50 / p99 | ${round(percentile(fromFetch, 50))} / ${round(percentile(fromFetch, 99))} ms |`,
      `| last of ${STREAMS} told, from its scope's fetch (median of ${CHANGES} changes) | ${round(median(lastFromFetch))} ms |`,
      `| last of ${STREAMS} told, from the change upstream (median) | ${round(median(lastFromChange))} ms |`,
      `| polling every ${POLL_INTERVAL / 1000} s instead (unleash-proxy-client's default) | mean ${POLL_INTERVAL / 2} ms, worst ${POLL_INTERVAL} ms after the proxy's fetch |`,
      `| polling / push, fan-out p50 | ${round(POLL_INTERVAL / 2 / Math.max(percentile(fromFetch, 50), 0.1))}x |`,
      '',
      'The fan-out per kind of stream, from the fetch of its own scope:',
      '',
      '| Streams | Count | fan-out p50 / p99 | last told (median) |',
      '| --- | --- | --- | --- |',
      ...[...byKind].map(([kind, figures]) => {
        const sorted = [...figures.fromFetch].sort((a, b) => a - b);
        return `| ${kind.label} | ${kind.count} | ${round(percentile(sorted, 50))} / ${round(percentile(sorted, 99))} ms | ${round(median(figures.lastFromFetch))} ms |`;
      }),
      '',
    ];
    const report = lines.join('\n');
    console.log(report);
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/push.md', report);
  } finally {
    for (const stream of streams) stream.response.destroy();
    await proxy.stop();
    await fake.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
