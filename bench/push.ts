/**
 * Push benchmark: N event streams (default 10,000) held open on one proxy instance (a child
 * process), then flag changes made upstream. Reports the proxy's memory per open stream, and
 * per change the time until each stream is told (p50, p99, the last one), measured from the
 * change upstream and from the proxy's fetch of it, next to the polling it replaces.
 * Run `npm run bench:push` (builds first, raises the open-file limit to the hard limit);
 * options: --streams N, --changes N, --fetch-interval MS, --poll-interval MS.
 * A benchmark, not a test: the numbers depend on the machine and what else runs on it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeUnleash } from '../test/helpers/fake-unleash.js';
import { startImplementation } from './http/processes.js';

const CLIENT_KEY = 'bench-client-key';

function numberOption(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a positive integer`);
  return value;
}

const STREAMS = numberOption('streams', 10_000);
const CHANGES = numberOption('changes', 5);
/** The proxy's poll of Unleash (UNLEASH_FETCH_INTERVAL): part of any client's wait, push or not. */
const FETCH_INTERVAL = numberOption('fetch-interval', 1_000);
/** The frontend SDK polling that push replaces: unleash-proxy-client's default refreshInterval. */
const POLL_INTERVAL = numberOption('poll-interval', 15_000);

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
  /** When this stream was last told of a change (performance.now()), or undefined. */
  toldAt: number | undefined;
  response: IncomingMessage;
}

/** Opens one stream and resolves once its headers arrived. */
function openStream(origin: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${origin}/proxy/events?token=${CLIENT_KEY}`);
    const req = request(
      { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, agent: false },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`stream refused: ${response.statusCode}`));
          response.resume();
          return;
        }
        const stream: Stream = { toldAt: undefined, response };
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

async function openStreams(origin: string, count: number): Promise<Stream[]> {
  const streams: Stream[] = [];
  const BATCH = 250;
  for (let opened = 0; opened < count; opened += BATCH) {
    const batch = Math.min(BATCH, count - opened);
    streams.push(...(await Promise.all(Array.from({ length: batch }, () => openStream(origin)))));
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

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'push-bench-'));
  const fake = await new FakeUnleash(flags(true)).start();
  const proxy = await startImplementation({
    name: 'koa',
    args: ['dist/src/main.js'],
    env: {
      UNLEASH_URL: fake.url,
      UNLEASH_API_TOKEN: 'bench-api-token',
      UNLEASH_PROXY_CLIENT_KEYS: CLIENT_KEY,
      UNLEASH_FETCH_INTERVAL: String(FETCH_INTERVAL),
      PROXY_STREAM_MAX_CONNECTIONS: String(STREAMS + 100),
      LOG_LEVEL: 'warn',
      TMPDIR: scratch,
    },
    readyPath: '/proxy',
    readyHeaders: { Authorization: CLIENT_KEY },
  });
  const streams: Stream[] = [];
  try {
    // Settle what the first requests allocated before the baseline.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const rssBefore = proxy.rssMiB();
    const openStarted = performance.now();
    streams.push(...(await openStreams(proxy.origin, STREAMS)));
    const openSeconds = (performance.now() - openStarted) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const rssOpen = proxy.rssMiB();
    const perStreamKiB = ((rssOpen - rssBefore) * 1024) / STREAMS;

    const fromChange: number[] = [];
    const fromFetch: number[] = [];
    const lastFromChange: number[] = [];
    const lastFromFetch: number[] = [];
    let missed = 0;
    for (let change = 0; change < CHANGES; change += 1) {
      for (const stream of streams) stream.toldAt = undefined;
      const requestsBefore = fake.requestsTo('/api/client/features').length;
      const changedAt = performance.now();
      const changedAtMs = Date.now();
      fake.setState(flags(change % 2 === 1));
      const deadline = changedAt + FETCH_INTERVAL + 30_000;
      while (
        streams.some((stream) => stream.toldAt === undefined) &&
        performance.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // The proxy's first poll after the change: the fan-out starts with its answer.
      const fetched = fake
        .requestsTo('/api/client/features')
        .slice(requestsBefore)
        .find((entry) => entry.at >= changedAtMs);
      const fetchedAt = fetched === undefined ? changedAt : changedAt + (fetched.at - changedAtMs);
      const told = streams.flatMap((stream) =>
        stream.toldAt === undefined ? [] : [stream.toldAt],
      );
      missed += streams.length - told.length;
      fromChange.push(...told.map((at) => at - changedAt));
      fromFetch.push(...told.map((at) => Math.max(0, at - fetchedAt)));
      lastFromChange.push(Math.max(...told) - changedAt);
      lastFromFetch.push(Math.max(...told) - fetchedAt);
      // Let the proxy's next poll pass before the next change.
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    fromChange.sort((a, b) => a - b);
    fromFetch.sort((a, b) => a - b);
    const rssAfter = proxy.rssMiB();

    const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')} at the end`;
    const lines = [
      `# Push benchmark`,
      '',
      `${STREAMS} event streams (GET /proxy/events) on one proxy instance, ${CHANGES} flag changes upstream; the proxy polls Unleash every ${FETCH_INTERVAL} ms. Measured ${new Date().toISOString()} on ${machine}; the machine was shared with other work while measuring, so read the ratios.`,
      '',
      '| Figure | Value |',
      '| --- | --- |',
      `| streams opened | ${STREAMS} in ${round(openSeconds)} s; missed notifications: ${missed} |`,
      `| proxy RSS | ${round(rssBefore)} MiB idle, ${round(rssOpen)} MiB with the streams open, ${round(rssAfter)} MiB after the changes |`,
      `| memory per open stream | ${round(perStreamKiB)} KiB |`,
      `| change upstream -> client told, p50 / p99 | ${round(percentile(fromChange, 50))} / ${round(percentile(fromChange, 99))} ms |`,
      `| proxy's fetch -> client told (the fan-out), p50 / p99 | ${round(percentile(fromFetch, 50))} / ${round(percentile(fromFetch, 99))} ms |`,
      `| last of ${STREAMS} told, from the fetch (median of ${CHANGES} changes) | ${round(
        percentile(
          [...lastFromFetch].sort((a, b) => a - b),
          50,
        ),
      )} ms |`,
      `| last of ${STREAMS} told, from the change upstream (median) | ${round(
        percentile(
          [...lastFromChange].sort((a, b) => a - b),
          50,
        ),
      )} ms |`,
      `| polling every ${POLL_INTERVAL / 1000} s instead (unleash-proxy-client's default) | mean ${POLL_INTERVAL / 2} ms, worst ${POLL_INTERVAL} ms after the proxy's fetch |`,
      `| polling / push, fan-out p50 | ${round(POLL_INTERVAL / 2 / Math.max(percentile(fromFetch, 50), 0.1))}x |`,
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
