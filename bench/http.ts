/**
 * HTTP benchmark: this proxy against the original @unleash/proxy and bare node:http, each in its
 * own process, loaded in turn by autocannon with GET /proxy for a new userId and sessionId on
 * every request, and with a repeated If-None-Match request (304), at 20, 200 and 2000 flags.
 * Several rounds, each loading every implementation once, give medians that a noisy shared
 * machine moves less; the implementations and the load generator run on different CPUs.
 * Run `npm run bench` (builds first); options: `npm run bench -- --help`.
 * A benchmark, not a test: numbers depend on the machine and what else runs on it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildWorkload } from '../test/fixtures/workload.js';
import { FakeUnleash } from '../test/helpers/fake-unleash.js';
import { benchEnrichers } from './http/enrichers.js';
import { type LoadResult, type LoadSettings, runLoad } from './http/load.js';
import { parseBenchOptions } from './http/options.js';
import { pinCpus } from './http/pinning.js';
import { previousBuildMain } from './http/previous-build.js';
import { type RunningImplementation, startImplementation } from './http/processes.js';
import {
  type FlagCountResults,
  IMPLEMENTATIONS,
  type Implementation,
  LABELS,
  markdownReport,
} from './http/report.js';
import { type RoundsResult, summarizeRounds } from './http/rounds.js';
import { compareAnswers } from './http/same-answers.js';
import { benchTracing } from './http/tracing.js';

const CLIENT_KEY = 'bench-client-key';
const AUTH = { Authorization: CLIENT_KEY };
const FIXED_QUERY = 'userId=user-1&sessionId=1';
const options = parseBenchOptions(process.argv.slice(2));
const scratch = mkdtempSync(join(tmpdir(), 'unleash-bench-'));
const pinning = pinCpus(options.pin);

function proxyEnv(upstream: FakeUnleash, flagCount: number, name: string) {
  // Each process gets its own TMPDIR: the SDKs keep their flag backup there, and a backup left
  // by an earlier run with another flag count must not be served while the first fetch runs.
  const home = mkdtempSync(join(scratch, `${name}-`));
  return {
    UNLEASH_URL: upstream.url,
    UNLEASH_API_TOKEN: 'bench-api-token',
    UNLEASH_PROXY_CLIENT_KEYS: CLIENT_KEY,
    UNLEASH_APP_NAME: `bench-${flagCount}`,
    LOG_LEVEL: 'warn',
    TMPDIR: home,
  };
}

function start(name: Implementation, env: Record<string, string>) {
  const args = {
    koa: [
      ...(options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : []),
      'dist/src/main.js',
    ],
    lane: [previousBuildMain(process.cwd())],
    original: ['node_modules/@unleash/proxy/dist/start.js'],
    bare: ['bench/http/bare-server.mjs'],
    floor: ['bench/http/koa-floor.mjs'],
  }[name];
  return startImplementation({
    name,
    args,
    env,
    readyPath: `/proxy?${FIXED_QUERY}`,
    readyHeaders: AUTH,
    cpu: pinning.implementationCpu,
  });
}

async function fetchAnswer(origin: string): Promise<{ body: string; etag: string }> {
  const response = await fetch(`${origin}/proxy?${FIXED_QUERY}`, { headers: AUTH });
  return { body: await response.text(), etag: response.headers.get('etag') ?? '' };
}

const settings = (
  path: LoadSettings['path'],
  status: number,
  headers: Record<string, string> = AUTH,
): LoadSettings => ({
  durationSeconds: options.durationSeconds,
  warmupSeconds: options.warmupSeconds,
  connections: options.connections,
  headers: options.acceptEncoding
    ? { ...headers, 'Accept-Encoding': options.acceptEncoding }
    : headers,
  path,
  expectedStatus: status,
});
const newUserEachTime = (n: number) => `/proxy?userId=user-${n}&sessionId=${n}`;
const sameRequest = () => `/proxy?${FIXED_QUERY}`;

function show(name: Implementation, kind: string, result: LoadResult): void {
  console.log(
    `  ${LABELS[name].padEnd(22)} ${kind.padEnd(5)} ${Math.round(result.requestsPerSecond).toString().padStart(7)} req/s  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  RSS ${result.peakRssMiB.toFixed(0)} MiB  CPU ${result.cpuMicrosPerRequest.toFixed(0)} µs/req  turns ${result.loopTurnP50Ms.toFixed(1)}/${result.loopTurnP99Ms.toFixed(1)} ms${result.failures ? `  ${result.failures} FAILED` : ''}`,
  );
}

/**
 * GET with a new user each time, then the same request revalidated with its ETag (304), both
 * at saturation; then GET at the fixed rate (--rate), for latency without a queue.
 */
async function loadAll(name: Implementation, running: RunningImplementation) {
  const { etag } = await fetchAnswer(running.origin);
  const fresh = await runLoad(running, settings(newUserEachTime, 200));
  show(name, 'GET', fresh);
  const revalidation = await runLoad(
    running,
    settings(sameRequest, 304, { ...AUTH, 'If-None-Match': etag }),
  );
  show(name, '304', revalidation);
  if (options.rate === 0) return { fresh, revalidation };
  const paced = await runLoad(running, { ...settings(newUserEachTime, 200), rate: options.rate });
  show(name, 'paced', paced);
  return { fresh, revalidation, paced };
}

/** This proxy's answer (the body bare node:http serves), compared with the original's once. */
async function prepare(upstream: FakeUnleash, flagCount: number) {
  const koa = await start('koa', proxyEnv(upstream, flagCount, 'koa'));
  try {
    const answer = await fetchAnswer(koa.origin);
    if (!options.only.has('original')) return { answer };
    const original = await start('original', proxyEnv(upstream, flagCount, 'original'));
    try {
      const comparison = await compareAnswers(
        koa.origin,
        original.origin,
        CLIENT_KEY,
        options.sampleSize,
      );
      console.log(
        `  same answers: ${comparison.compared - comparison.mismatches}/${comparison.compared}`,
      );
      if (comparison.example) console.log(`  first difference: ${comparison.example}`);
      return { answer, comparison };
    } finally {
      await original.stop();
    }
  } finally {
    await koa.stop();
  }
}

interface Run {
  readonly name: Implementation;
  readonly fresh: LoadResult;
  readonly revalidation: LoadResult;
  readonly paced?: LoadResult;
}

function summarizeEach(runs: readonly Run[], kind: 'fresh' | 'revalidation' | 'paced') {
  const summaries: Partial<Record<Implementation, RoundsResult>> = {};
  for (const name of IMPLEMENTATIONS) {
    const results = runs.flatMap((run) => {
      const result = run.name === name ? run[kind] : undefined;
      return result === undefined ? [] : [result];
    });
    if (results.length > 0) summaries[name] = summarizeRounds(results);
  }
  return summaries;
}

async function benchFlagCount(flagCount: number): Promise<FlagCountResults> {
  const upstream = await new FakeUnleash(buildWorkload(flagCount)).start();
  // An Unleash without token validation, as the original proxy knew it: the bench token is not
  // of Unleash's form, and /proxy is what is measured (the proxy says so once, as a WARN).
  upstream.validationFault = { kind: 'status', status: 404 };
  const runs: Run[] = [];
  try {
    console.log(`\n${flagCount} flags`);
    const { answer, comparison } = await prepare(upstream, flagCount);
    const bodyFile = join(scratch, `body-${flagCount}.json`);
    writeFileSync(bodyFile, answer.body);
    // Every round loads each implementation in turn, so that a slow phase of the machine
    // hits them all rather than one of them.
    for (let round = 1; round <= options.rounds && !options.checkOnly; round += 1) {
      console.log(`  round ${round}/${options.rounds}`);
      for (const name of IMPLEMENTATIONS) {
        if (!options.only.has(name)) continue;
        const env =
          name === 'bare' || name === 'floor'
            ? { BENCH_BODY_FILE: bodyFile, BENCH_ETAG: answer.etag }
            : proxyEnv(upstream, flagCount, name);
        const running = await start(name, env);
        try {
          runs.push({ name, ...(await loadAll(name, running)) });
        } finally {
          await running.stop();
        }
      }
    }
    return {
      flagCount,
      bodyBytes: Buffer.byteLength(answer.body),
      fresh: summarizeEach(runs, 'fresh'),
      revalidation: summarizeEach(runs, 'revalidation'),
      ...(options.rate > 0 ? { paced: summarizeEach(runs, 'paced'), pacedRate: options.rate } : {}),
      ...(comparison ? { comparison } : {}),
    };
  } finally {
    await upstream.stop();
  }
}

async function main(): Promise<void> {
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}, load average before the run ${loadavg()[0]?.toFixed(2)}`;
  console.log(`${machine}; ${pinning.note}`);
  if (options.enrichers) {
    await runEnricherScenario(machine);
    return;
  }
  if (options.tracing) {
    await runTracingScenario(machine);
    return;
  }
  const all: FlagCountResults[] = [];
  try {
    for (const flagCount of options.flagCounts) all.push(await benchFlagCount(flagCount));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const runs = `${options.rounds} rounds, each loading every implementation in turn for ${options.warmupSeconds} s warm-up + ${options.durationSeconds} s`;
  const header = `${machine}, after ${loadavg()[0]?.toFixed(2)}; ${pinning.note}; ${options.connections} connections, ${runs} (${new Date().toISOString().slice(0, 10)})${options.acceptEncoding ? `, every request with Accept-Encoding: ${options.acceptEncoding}` : ''}. Medians over the rounds (peak RSS: the highest); req/s min–max shows the spread. CPU µs/req is the implementation's own CPU time (user + system) per answer: steadier than requests/s when the machine is shared. A loop turn is one pass of the implementation's event loop, which answers the requests that arrived during the pass before: a request waits from one to about two turns.`;
  if (options.checkOnly) return;
  const report = markdownReport(all, header);
  console.log(`\n${report}`);
  mkdirSync(dirname(options.output), { recursive: true });
  writeFileSync(options.output, report);
  console.log(`written to ${options.output}`);
}

/** `--tracing`: before tracing, tracing off and on (bench/http/tracing.ts). */
async function runTracingScenario(machine: string): Promise<void> {
  let table: string;
  try {
    table = await benchTracing(options, pinning, scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const header = `${machine}, after ${loadavg()[0]?.toFixed(2)}; ${pinning.note}; ${options.connections} connections, ${options.rounds} rounds, each running the builds in turn for ${options.warmupSeconds} s warm-up + ${options.durationSeconds} s (${new Date().toISOString().slice(0, 10)}). Medians over the rounds. CPU µs/req is the proxy's own CPU time per answer; the ratio to "before tracing" is the figure to read on a shared machine.`;
  const report = `${header}\n\n${table}\n`;
  console.log(`\n${report}`);
  mkdirSync(dirname(options.output), { recursive: true });
  writeFileSync(options.output, report);
  console.log(`written to ${options.output}`);
}

/** `--enrichers`: location and device enrichment off and on (bench/http/enrichers.ts). */
async function runEnricherScenario(machine: string): Promise<void> {
  let table: string;
  try {
    table = await benchEnrichers(options, pinning, scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const header = `${machine}, after ${loadavg()[0]?.toFixed(2)}; ${pinning.note}; ${options.connections} connections, ${options.rounds} rounds, each running the variants in turn for ${options.warmupSeconds} s warm-up + ${options.durationSeconds} s (${new Date().toISOString().slice(0, 10)}). Medians over the rounds. CPU µs/req is the proxy's own CPU time per answer; the ratio to "off" is the figure to read when the machine is shared (a load average above the CPU count says it was).`;
  const report = `${header}\n\n${table}\n`;
  console.log(`\n${report}`);
  mkdirSync(dirname(options.output), { recursive: true });
  writeFileSync(options.output, report);
  console.log(`written to ${options.output}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
