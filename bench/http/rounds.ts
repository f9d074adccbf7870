import type { LoadResult } from './load.js';

/**
 * One implementation and request kind over all rounds: medians of req/s, latency, CPU and event-loop turns, so
 * that one slow phase of a shared machine does not decide the result; the worst peak RSS,
 * since memory is a ceiling; and the req/s range, to show how noisy the machine was.
 */
export interface RoundsResult extends LoadResult {
  readonly rounds: number;
  readonly minRequestsPerSecond: number;
  readonly maxRequestsPerSecond: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  if (sorted.length % 2 === 1) return upper;
  return ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

export function summarizeRounds(rounds: readonly LoadResult[]): RoundsResult {
  const all = (pick: (result: LoadResult) => number) => rounds.map(pick);
  const requestsPerSecond = all((result) => result.requestsPerSecond);
  return {
    requestsPerSecond: median(requestsPerSecond),
    p50Ms: median(all((result) => result.p50Ms)),
    p99Ms: median(all((result) => result.p99Ms)),
    peakRssMiB: Math.max(...all((result) => result.peakRssMiB)),
    cpuMicrosPerRequest: median(all((result) => result.cpuMicrosPerRequest)),
    loopTurnP50Ms: median(all((result) => result.loopTurnP50Ms)),
    loopTurnP99Ms: median(all((result) => result.loopTurnP99Ms)),
    failures: all((result) => result.failures).reduce((sum, value) => sum + value, 0),
    total: all((result) => result.total).reduce((sum, value) => sum + value, 0),
    rounds: rounds.length,
    minRequestsPerSecond: Math.min(...requestsPerSecond),
    maxRequestsPerSecond: Math.max(...requestsPerSecond),
  };
}
