import type { RoundsResult } from './rounds.js';

/** In the order each round loads them. */
export const IMPLEMENTATIONS = ['koa', 'lane', 'original', 'bare', 'floor'] as const;
export type Implementation = (typeof IMPLEMENTATIONS)[number];

export const LABELS: Readonly<Record<Implementation, string>> = {
  koa: 'unleash-koa-proxy',
  lane: 'fast-lane build 8a87d34',
  original: '@unleash/proxy 1.4.9',
  bare: 'bare node:http',
  floor: 'Koa + router floor',
};

export interface FlagCountResults {
  readonly flagCount: number;
  readonly bodyBytes: number;
  /** Contexts compared with the original, and how many answers differed. */
  readonly comparison?: { compared: number; mismatches: number };
  readonly fresh: Partial<Record<Implementation, RoundsResult>>;
  readonly revalidation: Partial<Record<Implementation, RoundsResult>>;
  /** GET, new user each, at a fixed rate (open loop); undefined when not run. */
  readonly paced?: Partial<Record<Implementation, RoundsResult>>;
  /** The fixed rate of `paced`, requests per second. */
  readonly pacedRate?: number;
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

const times = (value: number, base: number | undefined) =>
  base === undefined || base === 0 ? 'n/a' : `${(value / base).toFixed(2)}x`;

/**
 * Issue 14's goals at 200 flags, on one Koa path: CPU per GET and per 304 against the fast-lane
 * build, p99 at a fixed rate against bare node:http, throughput against the original.
 */
function onePathGoals(all: readonly FlagCountResults[]): string[] {
  const at200 = all.find((r) => r.flagCount === 200);
  const get = at200?.fresh.koa;
  const revalidation = at200?.revalidation.koa;
  if (at200 === undefined || get === undefined || revalidation === undefined) return [];
  const verdict = (ok: boolean | undefined) =>
    ok === undefined ? 'not measured' : ok ? 'met' : 'NOT met';
  const ratio = (value: number, base: RoundsResult | undefined, field: keyof RoundsResult) =>
    base === undefined ? undefined : value / (base[field] as number);
  const cpuGet = ratio(get.cpuMicrosPerRequest, at200.fresh.lane, 'cpuMicrosPerRequest');
  const cpu304 = ratio(
    revalidation.cpuMicrosPerRequest,
    at200.revalidation.lane,
    'cpuMicrosPerRequest',
  );
  const throughput = ratio(get.requestsPerSecond, at200.fresh.original, 'requestsPerSecond');
  const paced = at200.paced?.koa;
  const pacedP99 = paced ? ratio(paced.p99Ms, at200.paced?.bare, 'p99Ms') : undefined;
  return [
    `One Koa path at 200 flags: CPU per GET ${times(get.cpuMicrosPerRequest, at200.fresh.lane?.cpuMicrosPerRequest)} the fast-lane build's (goal at most 1.3x: ${verdict(cpuGet === undefined ? undefined : cpuGet <= 1.3)}), ` +
      `per 304 ${times(revalidation.cpuMicrosPerRequest, at200.revalidation.lane?.cpuMicrosPerRequest)} (goal at most 1.5x: ${verdict(cpu304 === undefined ? undefined : cpu304 <= 1.5)}); ` +
      `CPU per GET ${times(get.cpuMicrosPerRequest, at200.fresh.bare?.cpuMicrosPerRequest)} and per 304 ${times(revalidation.cpuMicrosPerRequest, at200.revalidation.bare?.cpuMicrosPerRequest)} bare node:http's; ` +
      floorNote(at200) +
      `${throughput === undefined ? 'throughput against the original not measured' : `${throughput.toFixed(1)}x the original's requests/s (goal at least 20x: ${verdict(throughput >= 20)})`}; ` +
      `p99 at ${number(at200.pacedRate ?? 0)} req/s ${paced ? `${ms(paced.p99Ms)} ms, ${times(paced.p99Ms, at200.paced?.bare?.p99Ms)} bare node:http's` : 'not measured'} (goal at most 2x: ${verdict(pacedP99 === undefined ? undefined : pacedP99 <= 2)}).`,
  ];
}

/** What Koa and the router alone cost, against the fast-lane build, when the floor was run. */
function floorNote(at200: FlagCountResults): string {
  const floorGet = at200.fresh.floor?.cpuMicrosPerRequest;
  const floor304 = at200.revalidation.floor?.cpuMicrosPerRequest;
  if (floorGet === undefined || floor304 === undefined) return '';
  return `the Koa + router floor alone costs per GET ${times(floorGet, at200.fresh.lane?.cpuMicrosPerRequest)} and per 304 ${times(floor304, at200.revalidation.lane?.cpuMicrosPerRequest)} the fast-lane build's; `;
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
    if (results.paced !== undefined) {
      const kind = `GET at ${number(results.pacedRate ?? 0)} req/s`;
      lines.push(...rows(results, results.paced, 'bare', kind));
    }
  }
  lines.push('');
  lines.push(
    'Ratio: requests/s against @unleash/proxy for GET, against bare node:http for 304 and the fixed rate. Body sizes: ' +
      all.map((r) => `${r.flagCount} flags ${(r.bodyBytes / 1024).toFixed(1)} KB`).join(', ') +
      '.',
  );
  lines.push(...onePathGoals(all));
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
