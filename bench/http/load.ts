import autocannon from 'autocannon';
import type { RunningImplementation } from './processes.js';
import { sampleRss } from './processes.js';

export interface LoadSettings {
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The path of the n-th request; called once per request. */
  readonly path: (n: number) => string;
  /** Headers of the n-th request besides `headers`, e.g. a client address that changes. */
  readonly requestHeaders?: (n: number) => Readonly<Record<string, string>>;
  /** The status every answer must have (200, or 304 for revalidation). */
  readonly expectedStatus: number;
  /**
   * Requests per second across all connections (autocannon's overallRate): a fixed rate the
   * implementation can keep up with, so latency is the answer's, not a queue's. Unset: each
   * connection sends again as soon as it is answered (saturation).
   */
  readonly rate?: number;
}

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly peakRssMiB: number;
  /** CPU time the implementation spent per answer, in µs: steadier than req/s on a busy machine. */
  readonly cpuMicrosPerRequest: number;
  /** The implementation's event-loop turns during the run (see loop-probe.cjs), in ms. */
  readonly loopTurnP50Ms: number;
  readonly loopTurnP99Ms: number;
  /** Answers with another status, errors and timeouts: should be 0. */
  readonly failures: number;
  readonly total: number;
}

let counter = 0;

async function fire(origin: string, settings: LoadSettings, seconds: number) {
  return autocannon({
    url: origin,
    connections: settings.connections,
    duration: seconds,
    pipelining: 1,
    timeout: 30,
    ...(settings.rate !== undefined ? { overallRate: settings.rate } : {}),
    headers: { ...settings.headers },
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => {
          counter += 1;
          const path = settings.path(counter);
          if (settings.requestHeaders === undefined) return { ...request, path };
          return {
            ...request,
            path,
            headers: { ...request.headers, ...settings.requestHeaders(counter) },
          };
        },
      },
    ],
  });
}

/** Warms up, then loads one implementation for the set duration, sampling its RSS. */
export async function runLoad(
  implementation: RunningImplementation,
  settings: LoadSettings,
): Promise<LoadResult> {
  if (settings.warmupSeconds > 0) {
    await fire(implementation.origin, settings, settings.warmupSeconds);
  }
  const stopSampling = sampleRss(implementation);
  await implementation.loopTurns(); // starts counting the turns afresh
  const cpuBefore = implementation.cpuMs();
  const result = await fire(implementation.origin, settings, settings.durationSeconds);
  const cpuMs = implementation.cpuMs() - cpuBefore;
  const turns = await implementation.loopTurns();
  const peakRssMiB = stopSampling();
  const statuses = result.statusCodeStats as unknown as Record<string, { count: number }>;
  const expected = statuses[String(settings.expectedStatus)]?.count ?? 0;
  const answered = Object.values(statuses).reduce((sum, entry) => sum + entry.count, 0);
  return {
    requestsPerSecond: expected / (result.duration || settings.durationSeconds),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    peakRssMiB,
    cpuMicrosPerRequest: (cpuMs * 1000) / Math.max(answered, 1),
    loopTurnP50Ms: turns.p50Ms,
    loopTurnP99Ms: turns.p99Ms,
    failures: answered - expected + result.errors + result.timeouts,
    total: answered,
  };
}
