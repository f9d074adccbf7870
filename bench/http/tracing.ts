/**
 * The tracing scenario of `npm run bench -- --tracing`: GET /proxy on this proxy as it was
 * built before OpenTelemetry came in (the parent of the commit that added src/tracing), on this
 * build with tracing off, and with tracing on, exporting over OTLP http/protobuf to a receiver
 * in the bench process. Each round runs the three in turn, so that the ratios compare runs of
 * the same minutes of a shared machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { buildWorkload } from '../../test/fixtures/workload.js';
import { FakeUnleash } from '../../test/helpers/fake-unleash.js';
import { OtlpReceiver } from '../../test/helpers/otlp-receiver.js';
import { type LoadResult, runLoad } from './load.js';
import type { BenchOptions } from './options.js';
import type { Pinning } from './pinning.js';
import { startImplementation } from './processes.js';
import { type RoundsResult, summarizeRounds } from './rounds.js';

const CLIENT_KEY = 'bench-client-key';

interface Variant {
  readonly name: string;
  readonly label: string;
  readonly main: string;
  readonly env: Readonly<Record<string, string>>;
}

/** The commit before tracing, exported and built in `scratch`; returns it and its main.js. */
function buildBaseline(scratch: string): { commit: string; main: string } {
  const added = execFileSync(
    'git',
    ['log', '--diff-filter=A', '--format=%H', '--', 'src/tracing/create-tracing.ts'],
    { encoding: 'utf8' },
  )
    .trim()
    .split('\n')
    .pop();
  if (!added) throw new Error('no commit adds src/tracing/create-tracing.ts');
  const commit = execFileSync('git', ['rev-parse', '--short', `${added}^`], {
    encoding: 'utf8',
  }).trim();
  const folder = join(scratch, `before-${commit}`);
  mkdirSync(folder);
  execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C ${folder}`]);
  // Its dependencies are a subset of today's: the installed ones serve both builds.
  symlinkSync(join(process.cwd(), 'node_modules'), join(folder, 'node_modules'));
  execFileSync(join(process.cwd(), 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], {
    cwd: folder,
  });
  return { commit, main: join(folder, 'dist', 'src', 'main.js') };
}

function row(variant: Variant, result: RoundsResult, baseline: RoundsResult | undefined): string {
  const ratio = baseline
    ? (result.cpuMicrosPerRequest / baseline.cpuMicrosPerRequest).toFixed(2)
    : '';
  return `| ${variant.label} | ${Math.round(result.requestsPerSecond)} (${Math.round(result.minRequestsPerSecond)}–${Math.round(result.maxRequestsPerSecond)}) | ${result.p50Ms} | ${result.p99Ms} | ${result.cpuMicrosPerRequest.toFixed(0)} | ${ratio}x | ${result.failures} |`;
}

/** Runs the scenario at each flag count; returns the markdown report. */
export async function benchTracing(
  options: BenchOptions,
  pinning: Pinning,
  scratch: string,
): Promise<string> {
  const baseline = buildBaseline(scratch);
  const receiver = await new OtlpReceiver({ retain: false }).start();
  const variants: readonly Variant[] = [
    { name: 'before', label: `before tracing (${baseline.commit})`, main: baseline.main, env: {} },
    { name: 'off', label: 'tracing off', main: 'dist/src/main.js', env: {} },
    {
      name: 'on',
      label: 'tracing on (http/protobuf)',
      main: 'dist/src/main.js',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
    },
  ];
  const sections: string[] = [];
  try {
    for (const flagCount of options.flagCounts) {
      const upstream = await new FakeUnleash(buildWorkload(flagCount)).start();
      upstream.validationFault = { kind: 'status', status: 404 }; // as in bench/http.ts
      const runs = new Map<string, LoadResult[]>();
      try {
        console.log(`\n${flagCount} flags, tracing`);
        for (let round = 1; round <= options.rounds; round += 1) {
          console.log(`  round ${round}/${options.rounds}`);
          for (const variant of variants) {
            const running = await startImplementation({
              name: `koa-${variant.name}`,
              args: [variant.main],
              env: {
                UNLEASH_URL: upstream.url,
                UNLEASH_API_TOKEN: 'bench-api-token',
                UNLEASH_PROXY_CLIENT_KEYS: CLIENT_KEY,
                UNLEASH_APP_NAME: `bench-${flagCount}`,
                LOG_LEVEL: 'warn',
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
                expectedStatus: 200,
              });
              console.log(
                `  ${variant.label.padEnd(30)} ${Math.round(result.requestsPerSecond)} req/s  CPU ${result.cpuMicrosPerRequest.toFixed(0)} µs/req  p99 ${result.p99Ms} ms${result.failures ? `  ${result.failures} FAILED` : ''}`,
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
      const before = summaries.get('before');
      sections.push(
        [
          `GET /proxy at ${flagCount} flags, a new userId on every request (${receiver.received} spans received in all while tracing was on):`,
          '',
          '| Build | req/s (min–max) | p50 ms | p99 ms | CPU µs/req | CPU vs before | failures |',
          '| --- | --- | --- | --- | --- | --- | --- |',
          ...variants.flatMap((variant) => {
            const result = summaries.get(variant.name);
            return result ? [row(variant, result, before)] : [];
          }),
        ].join('\n'),
      );
    }
  } finally {
    await receiver.stop();
  }
  return sections.join('\n\n');
}
