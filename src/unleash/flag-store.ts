import { Unleash } from 'unleash-client';
import type { BootstrapOptions } from 'unleash-client/lib/repository/bootstrap-provider.js';
import type { ProxyConfig } from '../config/load-config.js';
import { describeError, type Logger } from '../logger.js';
import { backupStorage, CheckingStorage } from './backup-storage.js';
import { FetchHeldBackError } from './fetch-backoff.js';
import { createFleetSync, type FleetSync, NotTheFetcherError } from './fleet-sync.js';
import { unleashHttpOptions } from './http-options.js';
import { bootstrapFromProgram, claimClientMode } from './program-given.js';
import type { FlagSnapshot } from './snapshot.js';
import { createSyncRepository } from './sync-repository.js';
import { type FetchOutcome, SyncState } from './sync-state.js';
import type { ClientFeaturesResponse, Strategy } from './types.js';
import { NO_UPSTREAM_TRACING, type UpstreamSpan, type UpstreamTracer } from './upstream-tracer.js';

export type { FetchOutcome } from './sync-state.js';

/**
 * The flags, kept in sync by unleash-client (polling with ETag, backup, bootstrap), exposed as
 * immutable snapshots. A new snapshot replaces the old one on every change.
 */
export interface FlagStore {
  current(): FlagSnapshot | undefined;
  ready(): Promise<FlagSnapshot>;
  onUpdate(listener: (snapshot: FlagSnapshot) => void): void;
  /** Online mode: told the outcome of every poll of Unleash: changed (200), unchanged (304) or failed. */
  onFetch(listener: (outcome: FetchOutcome) => void): void;
  /**
   * When the flags were last confirmed with Unleash (a 200 or a 304), by this instance or, in
   * a Redis fleet, by the instance that fetches. Undefined until then: flags from a backup or
   * a bootstrap are not a sync. Readiness uses it to tell stale flags.
   */
  lastSyncAt(): Date | undefined;
  close(): Promise<void>;
}

export interface FlagStoreSettings {
  config: ProxyConfig;
  logger: Logger;
  strategies: readonly Strategy[];
  /** Offline mode only: the flags to serve, already read and checked. */
  offlineFlags?: ClientFeaturesResponse;
  /** Spans for the fetches from Unleash; none by default. */
  upstream?: UpstreamTracer;
  /**
   * Added to the backup's name (file or Redis key), so that stores of different scopes never
   * read or overwrite each other's backup. Unset: the name the original proxy used.
   */
  backupSuffix?: string;
}

/** The SDK stops polling for good after these; the store keeps asking, with backoff. */
const STOPS_POLLING = /responded (401|403)\b/;

/** How a fetch's span ends for each outcome (an error event ends it first, with the error). */
const FETCH_SPAN_OUTCOMES: Record<FetchOutcome, { status?: number; error?: unknown }> = {
  changed: { status: 200 },
  unchanged: { status: 304 },
  failed: { error: new Error('the fetch failed or its flags were refused') },
};

/** Thrown before a fetch that would start after `close` began: the store no longer fetches. */
class StoreClosingError extends Error {
  constructor() {
    super('the flag store is closing');
    this.name = 'StoreClosingError';
  }
}

function isSkippedFetch(error: unknown): boolean {
  return (
    error instanceof NotTheFetcherError ||
    error instanceof FetchHeldBackError ||
    error instanceof StoreClosingError
  );
}

/** With REDIS_URL (online only): the fleet's shared backup and fetch lease. */
function fleetSyncFor(
  config: ProxyConfig,
  logger: Logger,
  state: SyncState,
): FleetSync | undefined {
  const redisUrl = config.mode === 'online' ? config.redisUrl : undefined;
  if (redisUrl === undefined) return undefined;
  return createFleetSync({
    config: { ...config, redisUrl },
    logger,
    adopt: (data) => state.accept(data, 'fleet'),
    onSyncedAt: (at) => {
      if (state.lastSyncAt === undefined || at > state.lastSyncAt) state.lastSyncAt = at;
    },
  });
}

/** The flags to start from: the offline file, a program's expBootstrap, EXP_BOOTSTRAP_URL, or none. */
function bootstrapFor(
  config: ProxyConfig,
  offlineFlags: ClientFeaturesResponse | undefined,
): BootstrapOptions | undefined {
  if (offlineFlags) return { data: offlineFlags.features, segments: offlineFlags.segments ?? [] };
  const fromProgram = bootstrapFromProgram(config);
  if (fromProgram !== undefined) return fromProgram;
  if (!config.bootstrapUrl) return undefined;
  return {
    url: config.bootstrapUrl,
    ...(config.bootstrapAuthorization
      ? { urlHeaders: { Authorization: config.bootstrapAuthorization } }
      : {}),
  };
}

type SyncRepository = ReturnType<typeof createSyncRepository>;

/**
 * Follows the repository's polls: a 304 is a sync, an error a failure with backoff. The SDK
 * stops polling for good after a 401 or 403, so the store asks again once the wait is over.
 * Returns the function that stops the retry timer.
 */
function followPolls(
  repository: SyncRepository,
  state: SyncState,
  fleet: FleetSync | undefined,
  logger: Logger,
  isStopped: () => boolean,
): () => void {
  let retryTimer: NodeJS.Timeout | undefined;
  repository.on('unchanged', () => {
    if (state.confirmUnchanged()) fleet?.markSynced();
  });
  repository.on('error', (error: unknown) => {
    if (isStopped() || isSkippedFetch(error)) return;
    state.reportFetch('failed');
    const delay = state.backoff.failed();
    if (error instanceof Error && STOPS_POLLING.test(error.message)) {
      logger.warn({ retryInMs: delay }, 'Unleash refused the API token; asking again later');
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => void repository.fetch(), delay);
      retryTimer.unref();
    }
  });
  return () => clearTimeout(retryTimer);
}

/** unleash-client, polling through the repository, its events logged. */
function startUnleashClient(
  config: ProxyConfig,
  url: string,
  repository: SyncRepository,
  strategies: readonly Strategy[],
  logger: Logger,
): Unleash {
  const online = config.mode === 'online';
  const unleash = new Unleash({
    url,
    appName: config.unleashAppName,
    instanceId: config.unleashInstanceId,
    refreshInterval: online ? config.refreshInterval : 0,
    // Off even online: the proxy's own evaluations must not be counted (the SDKs behind it
    // report their usage, forwarded by src/metrics/).
    disableMetrics: true,
    timeout: config.unleashTimeoutMs,
    ...(config.environment !== undefined ? { environment: config.environment } : {}),
    customHeaders: config.unleashApiToken ? { Authorization: config.unleashApiToken } : {},
    httpOptions: unleashHttpOptions(config),
    repository,
    strategies: [...strategies],
    skipInstanceCountWarning: true,
  });
  unleash.on('error', (error: unknown) => {
    if (isSkippedFetch(error)) return;
    logger.warn({ error: describeError(error) }, 'unleash-client reported an error');
  });
  unleash.on('warn', (message: unknown) => {
    logger.warn({ detail: String(message) }, 'unleash-client warning');
  });
  if (online) {
    unleash.on('synchronized', () => logger.info('flags synchronized with Unleash'));
  }
  return unleash;
}

export function createFlagStore({
  config,
  logger,
  strategies,
  offlineFlags,
  upstream = NO_UPSTREAM_TRACING,
  backupSuffix,
}: FlagStoreSettings): FlagStore {
  const releaseClientMode = claimClientMode(config);
  const state = new SyncState(config.refreshInterval, logger, strategies);
  const fleet = fleetSyncFor(config, logger, state);
  const checkingStorage = new CheckingStorage(
    backupStorage(config, fleet, logger),
    (data, origin) => state.accept(data, origin),
    backupSuffix === undefined ? '' : `-${backupSuffix}`,
  );
  // Offline mode never contacts this address: polling and metrics are off.
  const url = config.unleashUrl ?? 'http://offline.invalid/api';
  const featuresUrl = `${url.replace(/\/+$/, '')}/client/features`;
  // Fetches come one at a time: the span of each ends with its outcome.
  let fetchSpan: UpstreamSpan | undefined;
  const endFetchSpan = (outcome: { status?: number; error?: unknown }): void => {
    fetchSpan?.end(outcome);
    fetchSpan = undefined;
  };
  state.fetchListeners.push((outcome) => endFetchSpan(FETCH_SPAN_OUTCOMES[outcome]));
  let stopped = false;
  const repository = createSyncRepository({
    config,
    url,
    storage: checkingStorage,
    bootstrap: bootstrapFor(config, offlineFlags),
    beforeFetch: async () => {
      state.backoff.check();
      await fleet?.beforeFetch();
      // `close` began while the fleet's lease was asked for: it releases the lease, so a fetch
      // starting now would run beside the next fetcher's (and its flags would be dropped).
      if (stopped) throw new StoreClosingError();
      fetchSpan = upstream.start('fetch flags', 'GET', featuresUrl);
      return fetchSpan.headers;
    },
    onBootstrapRead: () => {
      state.bootstrapPending = true;
    },
  });
  // Before followPolls' listener, so that the span ends with the error itself.
  repository.on('error', (error: unknown) => {
    if (!isSkippedFetch(error)) endFetchSpan({ error });
  });
  const stopRetrying = followPolls(repository, state, fleet, logger, () => stopped);
  const unleash = startUnleashClient(config, url, repository, strategies, logger);

  return {
    current: () => state.snapshot,
    ready: () => state.ready,
    lastSyncAt: () => state.lastSyncAt,
    onUpdate(listener) {
      state.updateListeners.push(listener);
    },
    onFetch(listener) {
      state.fetchListeners.push(listener);
    },
    async close() {
      stopped = true;
      stopRetrying();
      await unleash.destroyWithFlush();
      // Stopping drops every listener, but a fetch still in flight reports its failure later:
      // an 'error' event with no listener would throw in the embedding process. Added before
      // any other await, so that no failure can arrive in between.
      repository.on('error', () => {});
      await checkingStorage.settle();
      await fleet?.close();
      releaseClientMode();
    },
  };
}
