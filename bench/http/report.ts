import type { RoundsResult } from './rounds.js';

/** In the order each round loads them. */
export const IMPLEMENTATIONS = ['koa', 'original', 'bare'] as const;
export type Implementation = (typeof IMPLEMENTATIONS)[number];

export const LABELS: Readonly<Record<Implementation, string>> = {
  koa: 'unleash-koa-proxy',
  original: '@unleash/proxy 1.4.9',
  bare: 'bare node:http',
};

export interface FlagCountResults {
  readonly flagCount: number;
  readonly bodyBytes: number;
  /** Contexts compared with the original, and how many answers differed. */
  readonly comparison?: { compared: number; mismatches: number };
  readonly fresh: Partial<Record<Implementation, RoundsResult>>;
  readonly revalidation: Partial<Record<Implementation, RoundsResult>>;
}

const number = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(0));
const ratio = (value: number | undefined, base: number | undefined) =>
  value === undefined || base === undefined || base === 0 ? '' : `${(value / base).toFixed(1)}x`;
const range = (result: RoundsResult) =>
  result.minRequestsPerSecond === result.maxRequestsPerSecond
    ? number(result.minRequestsPerSecond)
    : `${number(result.minRequestsPerSecond)}–${number(result.maxRequestsPerSecond)}`;

function rows(
  results: FlagCountResults,
  set: Partial<Record<Implementation, RoundsResult>>,
  base: Implementation,
  kind: string,
): string[] {
  const lines: string[] = [];
  for (const implementation of IMPLEMENTATIONS) {
    const result = set[implementation];
    if (result === undefined) continue;
    const failures = result.failures > 0 ? ` (${number(result.failures)} failed)` : '';
    lines.push(
      `| ${results.flagCount} | ${kind} | ${LABELS[implementation]} | ${number(result.requestsPerSecond)}${failures} | ${range(result)} | ${ms(result.p50Ms)} | ${ms(result.p99Ms)} | ${result.peakRssMiB.toFixed(0)} | ${result.cpuMicrosPerRequest.toFixed(0)} | ${ms(result.loopTurnP50Ms)} / ${ms(result.loopTurnP99Ms)} | ${ratio(result.requestsPerSecond, set[base]?.requestsPerSecond)} |`,
    );
  }
  return lines;
}

/** The goals of issue 7, checked at 200 flags when that count was run (on the medians). */
function targets(all: readonly FlagCountResults[]): string[] {
  const at200 = all.find((r) => r.flagCount === 200);
  const ours = at200?.fresh.koa;
  const original = at200?.fresh.original;
  const bare304 = at200?.revalidation.bare;
  const ours304 = at200?.revalidation.koa;
  if (!ours || !original || !bare304 || !ours304) return [];
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const throughput = ours.requestsPerSecond / original.requestsPerSecond;
  const revalidation = ours304.requestsPerSecond / bare304.requestsPerSecond;
  return [
    `Goals at 200 flags: ${throughput.toFixed(1)}x the original's throughput (goal 20x: ${verdict(throughput >= 20)}), ` +
      `p99 ${ms(ours.p99Ms)} ms (goal at most 10 ms: ${verdict(ours.p99Ms <= 10)}), ` +
      `304s at ${revalidation.toFixed(2)}x bare node:http (goal at least 0.5x: ${verdict(revalidation >= 0.5)}), ` +
      `peak RSS ${ours.peakRssMiB.toFixed(0)} MiB against the original's ${original.peakRssMiB.toFixed(0)} MiB (goal: no higher: ${verdict(ours.peakRssMiB <= original.peakRssMiB)}).`,
  ];
}

/** The results as a markdown table (ratios against the original; 304s against bare node:http). */
export function markdownReport(all: readonly FlagCountResults[], header: string): string {
  const lines = [
    header,
    '',
    '| flags | request | implementation | requests/s | req/s min–max | p50 ms | p99 ms | peak RSS MiB | CPU µs/req | loop turn p50 / p99 ms | ratio |',
    '| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const results of all) {
    lines.push(...rows(results, results.fresh, 'original', 'GET, new user each'));
    lines.push(...rows(results, results.revalidation, 'bare', '304 If-None-Match'));
  }
  lines.push('');
  lines.push(
    'Ratio: against @unleash/proxy for GET, against bare node:http for 304. Body sizes: ' +
      all.map((r) => `${r.flagCount} flags ${(r.bodyBytes / 1024).toFixed(1)} KB`).join(', ') +
      '.',
  );
  lines.push(...targets(all));
  const compared = all.filter((r) => r.comparison !== undefined);
  if (compared.length > 0) {
    lines.push(
      `Same answers as @unleash/proxy: ${compared
        .map(
          (r) =>
            `${r.flagCount} flags ${r.comparison?.compared ?? 0} contexts, ${r.comparison?.mismatches ?? 0} differing`,
        )
        .join('; ')}.`,
    );
  }
  return `${lines.join('\n')}\n`;
}
