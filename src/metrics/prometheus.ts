import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { FetchOutcome } from '../unleash/flag-store.js';
import { RequestDurations } from './request-durations.js';

/**
 * Process metrics (CPU, memory, event loop lag, GC, handles) describe the process, not one
 * app, and prom-client starts observers for them that are never stopped: they are collected
 * once per process, however many apps (tests) it creates.
 */
let processRegistry: Registry | undefined;
function sharedProcessRegistry(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** What the gauges read at scrape time. */
export interface ProxyGaugeSources {
  flagCount(): number | undefined;
  /** Time of the last successful poll of Unleash (200 or 304), undefined before one. */
  lastSyncAt(): Date | undefined;
  /** Time Unleash last answered a poll with changed flags (a 200), undefined before one. */
  lastChangeAt(): Date | undefined;
  pendingEvaluations(): number;
  /** Flags per environment served with Unleash tokens (src/scopes); empty without. */
  environmentFlags?(): readonly { environment: string; flags: number }[];
}

export interface ProxyMetrics {
  readonly contentType: string;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  recordFetch(outcome: FetchOutcome): void;
  usageReceived(evaluations: number): void;
  usageForwarded(evaluations: number): void;
  usageDropped(evaluations: number): void;
  /** A request let in with an Unleash token of this environment. */
  observeEnvironmentRequest(environment: string, kind: string): void;
  /** The text exposition of every series, this app's and the process's. */
  render(): Promise<string>;
}

type RequestLabels = { method: string; route: string; status: string };
type Registers = Registry[];

/** The proxy's series, in a registry of its own so that two apps in one process never mix. */
export function createProxyMetrics(sources: ProxyGaugeSources): ProxyMetrics {
  const registry = new Registry();
  const registers = [registry];
  const processSeries = sharedProcessRegistry();
  const requests = requestSeries(registers);
  const upstream = upstreamSeries(registers, sources);
  const usage = usageSeries(registers, sources);
  const environments = environmentSeries(registers, sources);
  return {
    contentType: registry.contentType,
    observeEnvironmentRequest: environments.observeEnvironmentRequest,
    observeRequest: requests.observeRequest,
    recordFetch: upstream.recordFetch,
    usageReceived: (evaluations) => usage.received.inc(evaluations),
    usageForwarded: (evaluations) => usage.forwarded.inc(evaluations),
    usageDropped: (evaluations) => usage.dropped.inc(evaluations),
    async render() {
      const own = await registry.metrics();
      const process = await processSeries.metrics();
      return `${own}\n${process}`;
    },
  };
}

/** Requests answered, and how long they took, by method and route template. */
function requestSeries(registers: Registers): Pick<ProxyMetrics, 'observeRequest'> {
  // Requests are counted here and handed to prom-client when it is read: its `inc` hashes the
  // labels on every call, a measurable part of a 304. Keys are bounded: route templates only.
  const pendingRequests = new Map<string, { labels: RequestLabels; count: number }>();
  new Counter({
    name: 'unleash_proxy_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
    collect() {
      for (const { labels, count } of pendingRequests.values()) {
        if (count > 0) this.inc(labels, count);
      }
      pendingRequests.clear();
    },
  });
  const durations = new RequestDurations(registers);
  return {
    observeRequest(method, route, status, seconds) {
      const key = `${method} ${status} ${route}`;
      const pending = pendingRequests.get(key);
      if (pending !== undefined) pending.count += 1;
      else
        pendingRequests.set(key, { labels: { method, route, status: String(status) }, count: 1 });
      durations.record(method, route, seconds);
    },
  };
}

/** Per environment served with Unleash tokens: its flags, and the requests let in. */
function environmentSeries(
  registers: Registers,
  sources: ProxyGaugeSources,
): Pick<ProxyMetrics, 'observeEnvironmentRequest'> {
  new Gauge({
    name: 'unleash_proxy_environment_flags',
    help: 'Flags served per environment to Unleash tokens (the union of its configured scopes).',
    labelNames: ['environment'] as const,
    registers,
    collect() {
      this.reset();
      for (const { environment, flags } of sources.environmentFlags?.() ?? []) {
        this.set({ environment }, flags);
      }
    },
  });
  const requests = new Counter({
    name: 'unleash_proxy_environment_requests_total',
    help: 'Requests let in with an Unleash token, by its environment and kind (frontend, backend).',
    labelNames: ['environment', 'kind'] as const,
    registers,
  });
  return {
    observeEnvironmentRequest(environment, kind) {
      requests.inc({ environment, kind });
    },
  };
}

/** Polls of Unleash, the last successful one, and the flags they gave. */
function upstreamSeries(
  registers: Registers,
  sources: ProxyGaugeSources,
): Pick<ProxyMetrics, 'recordFetch'> {
  const fetches = new Counter({
    name: 'unleash_proxy_upstream_fetches_total',
    help: 'Polls of Unleash for flags: outcome changed (200), unchanged (304) or failed.',
    labelNames: ['outcome'] as const,
    registers,
  });
  for (const outcome of ['changed', 'unchanged', 'failed'] as const) fetches.inc({ outcome }, 0);
  new Gauge({
    name: 'unleash_proxy_last_successful_sync_timestamp_seconds',
    help: 'Unix time of the last successful poll of Unleash (200 or 304); 0 before the first.',
    registers,
    collect() {
      const at = sources.lastSyncAt();
      this.set(at === undefined ? 0 : at.getTime() / 1000);
    },
  });
  originalProxySeries(sources, registers);
  new Gauge({
    name: 'unleash_proxy_flags',
    help: 'Flags in the configuration the proxy serves now.',
    registers,
    collect() {
      this.set(sources.flagCount() ?? 0);
    },
  });
  return {
    recordFetch(outcome) {
      fetches.inc({ outcome });
    },
  };
}

/** The usage counts SDKs report: received, forwarded to Unleash, dropped, pending. */
function usageSeries(registers: Registers, sources: ProxyGaugeSources) {
  const received = new Counter({
    name: 'unleash_proxy_usage_evaluations_received_total',
    help: 'Flag evaluations (yes + no) reported by SDKs to /client/metrics and accepted.',
    registers,
  });
  const forwarded = new Counter({
    name: 'unleash_proxy_usage_evaluations_forwarded_total',
    help: 'Flag evaluations (yes + no) delivered to Unleash.',
    registers,
  });
  const dropped = new Counter({
    name: 'unleash_proxy_usage_evaluations_dropped_total',
    help: 'Flag evaluations given up: over the pending bound, or refused by Unleash as invalid.',
    registers,
  });
  new Gauge({
    name: 'unleash_proxy_usage_evaluations_pending',
    help: 'Flag evaluations (yes + no) received and not yet delivered to Unleash.',
    registers,
    collect() {
      this.set(sources.pendingEvaluations());
    },
  });
  return { received, forwarded, dropped };
}

function epochMs(at: Date | undefined): number {
  return at === undefined ? 0 : at.getTime();
}

/**
 * The series the original Unleash Proxy exposed, under its names and with its meaning, so that
 * dashboards and alerts built on it keep working: `unleash_proxy_up` is a counter at 1 while
 * the process runs; the two timestamps are milliseconds since the epoch, 0 before the first
 * time. The original set the fetch time on every successful poll (changed or not) and the
 * update time when a poll brought changed flags.
 */
function originalProxySeries(sources: ProxyGaugeSources, registers: Registry[]): void {
  new Counter({
    name: 'unleash_proxy_up',
    help: 'Indication that the service is up.',
    registers,
  }).inc(1);
  new Gauge({
    name: 'last_metrics_update_epoch_timestamp_ms',
    help: 'An epoch timestamp (in milliseconds) set to when the proxy last got changed flags from Unleash.',
    registers,
    collect() {
      this.set(epochMs(sources.lastChangeAt()));
    },
  });
  new Gauge({
    name: 'last_metrics_fetch_epoch_timestamp_ms',
    help: 'An epoch timestamp (in milliseconds) set to when the proxy last checked Unleash successfully, whether the flags changed or not.',
    registers,
    collect() {
      this.set(epochMs(sources.lastSyncAt()));
    },
  });
}
