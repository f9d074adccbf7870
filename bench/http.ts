/**
 * HTTP benchmark: this proxy against the original @unleash/proxy and bare node:http, each in its
 * own process, loaded in turn by autocannon with GET /proxy for a new userId and sessionId on
 * every request, and with a repeated If-None-Match request (304), at 20, 200 and 2000 flags.
 * Run `npm run bench` (builds first); options: `npm run bench -- --help`.
 * A benchmark, not a test: numbers depend on the machine and what else runs on it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildWorkload } from '../test/fixtures/workload.js';
import { FakeUnleash } from '../test/helpers/fake-unleash.js';
import { type LoadResult, type LoadSettings, runLoad } from './http/load.js';
import { parseBenchOptions } from './http/options.js';
import { type RunningImplementation, startImplementation } from './http/processes.js';
import {
  type FlagCountResults,
  type Implementation,
  LABELS,
  markdownReport,
} from './http/report.js';
import { compareAnswers } from './http/same-answers.js';

const CLIENT_KEY = 'bench-client-key';
const AUTH = { Authorization: CLIENT_KEY };
const FIXED_QUERY = 'userId=user-1&sessionId=1';
const options = parseBenchOptions(process.argv.slice(2));
const scratch = mkdtempSync(join(tmpdir(), 'unleash-bench-'));

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
    original: ['node_modules/@unleash/proxy/dist/start.js'],
    bare: ['bench/http/bare-server.mjs'],
  }[name];
  return startImplementation({
    name,
    args,
    env,
    readyPath: `/proxy?${FIXED_QUERY}`,
    readyHeaders: AUTH,
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
    `  ${LABELS[name].padEnd(22)} ${kind.padEnd(5)} ${Math.round(result.requestsPerSecond).toString().padStart(7)} req/s  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  RSS ${result.peakRssMiB.toFixed(0)} MiB  CPU ${result.cpuMicrosPerRequest.toFixed(0)} µs/req${result.failures ? `  ${result.failures} FAILED` : ''}`,
  );
}

/** GET with a new user each time, then the same request revalidated with its ETag (304). */
async function loadBoth(name: Implementation, running: RunningImplementation, etag: string) {
  const fresh = await runLoad(running, settings(newUserEachTime, 200));
  show(name, 'GET', fresh);
  const revalidation = await runLoad(
    running,
    settings(sameRequest, 304, { ...AUTH, 'If-None-Match': etag }),
  );
  show(name, '304', revalidation);
  return { fresh, revalidation };
}

async function benchFlagCount(flagCount: number): Promise<FlagCountResults> {
  const workload = buildWorkload(flagCount);
  const upstream = await new FakeUnleash(workload).start();
  const fresh: FlagCountResults['fresh'] = {};
  const revalidation: FlagCountResults['revalidation'] = {};
  let comparison: FlagCountResults['comparison'];
  let bodyBytes = 0;
  try {
    console.log(`\n${flagCount} flags`);
    const koa = await start('koa', proxyEnv(upstream, flagCount, 'koa'));
    const answer = await fetchAnswer(koa.origin);
    bodyBytes = Buffer.byteLength(answer.body);
    if (options.only.has('original')) {
      const original = await start('original', proxyEnv(upstream, flagCount, 'original'));
      const compared = await compareAnswers(
        koa.origin,
        original.origin,
        CLIENT_KEY,
        options.sampleSize,
      );
      comparison = compared;
      console.log(
        `  same answers: ${compared.compared - compared.mismatches}/${compared.compared}`,
      );
      if (compared.example) console.log(`  first difference: ${compared.example}`);
      await original.stop();
    }
    if (options.checkOnly) {
      await koa.stop();
      return { flagCount, bodyBytes, fresh, revalidation, ...(comparison ? { comparison } : {}) };
    }
    if (options.only.has('koa')) {
      ({ fresh: fresh.koa, revalidation: revalidation.koa } = await loadBoth(
        'koa',
        koa,
        answer.etag,
      ));
    }
    await koa.stop();
    if (options.only.has('original')) {
      const original = await start('original', proxyEnv(upstream, flagCount, 'original'));
      const { etag } = await fetchAnswer(original.origin);
      ({ fresh: fresh.original, revalidation: revalidation.original } = await loadBoth(
        'original',
        original,
        etag,
      ));
      await original.stop();
    }
    if (options.only.has('bare')) {
      const bodyFile = join(scratch, `body-${flagCount}.json`);
      writeFileSync(bodyFile, answer.body);
      const bare = await start('bare', { BENCH_BODY_FILE: bodyFile, BENCH_ETAG: answer.etag });
      ({ fresh: fresh.bare, revalidation: revalidation.bare } = await loadBoth(
        'bare',
        bare,
        answer.etag,
      ));
      await bare.stop();
    }
  } finally {
    await upstream.stop();
  }
  return { flagCount, bodyBytes, fresh, revalidation, ...(comparison ? { comparison } : {}) };
}

async function main(): Promise<void> {
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}, load average before the run ${loadavg()[0]?.toFixed(2)}`;
  console.log(machine);
  const all: FlagCountResults[] = [];
  try {
    for (const flagCount of options.flagCounts) all.push(await benchFlagCount(flagCount));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const header = `${machine}, after ${loadavg()[0]?.toFixed(2)}; ${options.connections} connections, ${options.warmupSeconds} s warm-up + ${options.durationSeconds} s per run (${new Date().toISOString().slice(0, 10)})${options.acceptEncoding ? `, every request with Accept-Encoding: ${options.acceptEncoding}` : ''}. CPU µs/req is the implementation's own CPU time (user + system) per answer: steadier than requests/s when the machine is shared.`;
  if (options.checkOnly) return;
  const report = markdownReport(all, header);
  console.log(`\n${report}`);
  mkdirSync(dirname(options.output), { recursive: true });
  writeFileSync(options.output, report);
  console.log(`written to ${options.output}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
