import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../../../bench/http/load.js';
import { parseCpuList } from '../../../bench/http/pinning.js';
import { summarizeRounds } from '../../../bench/http/rounds.js';

const run = (requestsPerSecond: number, peakRssMiB: number, failures = 0): LoadResult => ({
  requestsPerSecond,
  p50Ms: requestsPerSecond / 1000,
  p99Ms: requestsPerSecond / 100,
  peakRssMiB,
  cpuMicrosPerRequest: 1_000_000 / requestsPerSecond,
  loopTurnP50Ms: requestsPerSecond / 2000,
  loopTurnP99Ms: requestsPerSecond / 500,
  failures,
  total: requestsPerSecond,
});

describe('benchmark rounds', () => {
  it('reports the median of each measure, the highest RSS, the req/s range and all failures', () => {
    const summary = summarizeRounds([run(3000, 120), run(7000, 110, 2), run(5000, 130)]);
    expect(summary).toEqual({
      requestsPerSecond: 5000,
      p50Ms: 5,
      p99Ms: 50,
      peakRssMiB: 130,
      cpuMicrosPerRequest: 200,
      loopTurnP50Ms: 2.5,
      loopTurnP99Ms: 10,
      failures: 2,
      total: 15000,
      rounds: 3,
      minRequestsPerSecond: 3000,
      maxRequestsPerSecond: 7000,
    });
  });

  it('takes the mean of the two middle rounds when their number is even', () => {
    expect(summarizeRounds([run(4000, 100), run(2000, 100)]).requestsPerSecond).toBe(3000);
  });

  it('reads the CPUs of an affinity list', () => {
    expect(parseCpuList('0-1\n')).toEqual([0, 1]);
    expect(parseCpuList('0,2-4,7')).toEqual([0, 2, 3, 4, 7]);
    expect(parseCpuList('')).toEqual([]);
  });
});
