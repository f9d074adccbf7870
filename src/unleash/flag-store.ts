import { tmpdir } from 'node:os';
import { Unleash } from 'unleash-client';
import type { BootstrapOptions } from 'unleash-client/lib/repository/bootstrap-provider.js';
import type { StorageProvider } from 'unleash-client/lib/repository/storage-provider.js';
import FileStorageProvider from 'unleash-client/lib/repository/storage-provider-file.js';
import InMemStorageProvider from 'unleash-client/lib/repository/storage-provider-in-mem.js';
import type { ProxyConfig } from '../config/load-config.js';
import type { Logger } from '../logger.js';
import { defaultExport } from './default-export.js';
import { FetchBackoff, FetchHeldBackError } from './fetch-backoff.js';
import { createFleetSync, type FleetSync, NotTheFetcherError } from './fleet-sync.js';
import { findPayloadProblem } from './payload-validation.js';
import { createSnapshot, type FlagSnapshot } from './snapshot.js';
import { createSyncRepository } from './sync-repository.js';
import type { ClientFeaturesResponse, FeatureInterface, Strategy } from './types.js';
import { warnUnimplementedStrategies } from './unimplemented-strategies.js';

export type FetchOutcome = 'changed' | 'unchanged' | 'failed';

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
}

type Origin = 'stored' | 'backup';

/**
 * Sits between unleash-client and its storage: every flag set the SDK stores (from Unleash or
 * a bootstrap) or reads back (a backup) goes through `accept` first, which checks it and
 * hands it on. A set that fails the check is neither served nor persisted.
 */
class CheckingStorage implements StorageProvider<ClientFeaturesResponse> {
  constructor(
    private readonly inner: StorageProvider<ClientFeaturesResponse>,
    private readonly accept: (data: unknown, origin: Origin) => boolean,
  ) {}

  private readonly writes = new Set<Promise<void>>();

  async set(key: string, data: ClientFeaturesResponse): Promise<void> {
    if (!this.accept(data, 'stored')) return;
    const write = this.inner.set(key, data);
    this.writes.add(write);
    try {
      await write;
    } finally {
      this.writes.delete(write);
    }
  }

  /**
   * Waits for backup writes in progress: exiting (or removing the folder) in the middle of one
   * leaves a truncated or failed backup that the next start cannot use.
   */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.writes]);
  }

  async get(key: string): Promise<ClientFeaturesResponse | undefined> {
    const data = await this.inner.get(key);
    if (data === undefined) return undefined;
    return this.accept(data, 'backup') ? data : undefined;
  }
}

const FileStorage = defaultExport(FileStorageProvider);
const InMemStorage = defaultExport(InMemStorageProvider);

/** The SDK stops polling for good after these; the store keeps asking, with backoff. */
const STOPS_POLLING = /responded (401|403)\b/;

function isSkippedFetch(error: unknown): boolean {
  return error instanceof NotTheFetcherError || error instanceof FetchHeldBackError;
}

export function createFlagStore({
  config,
  logger,
  strategies,
  offlineFlags,
}: FlagStoreSettings): FlagStore {
  let snapshot: FlagSnapshot | undefined;
  let revision = 0;
  let lastSyncAt: Date | undefined;
  /** The last payload from Unleash was refused: a 304 now confirms that one, not ours. */
  let refusedLastPayload = false;
  let bootstrapPending = false;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  const backoff = new FetchBackoff(config.refreshInterval);
  const listeners: ((snapshot: FlagSnapshot) => void)[] = [];
  let resolveReady: (snapshot: FlagSnapshot) => void = () => {};
  const readyPromise = new Promise<FlagSnapshot>((resolve) => {
    resolveReady = resolve;
  });

  const record = (data: ClientFeaturesResponse, fromBackup: boolean): void => {
    // A backup read that finishes after a fresh fetch must not replace the fresher flags.
    if (fromBackup && snapshot !== undefined) return;
    revision += 1;
    snapshot = createSnapshot(revision, data.features as FeatureInterface[], data.segments ?? []);
    logger.debug({ revision, flags: snapshot.features.length, fromBackup }, 'flags updated');
    warnUnimplementedStrategies(snapshot.features, strategies, logger);
    resolveReady(snapshot);
    for (const listener of listeners) listener(snapshot);
  };

  const fetchListeners: ((outcome: FetchOutcome) => void)[] = [];
  const reportFetch = (outcome: FetchOutcome): void => {
    for (const listener of fetchListeners) listener(outcome);
  };

  const accept = (data: unknown, origin: Origin | 'fleet'): boolean => {
    const problem = findPayloadProblem(data);
    if (problem !== undefined) {
      if (origin === 'stored') {
        refusedLastPayload = true;
        backoff.failed();
        reportFetch('failed');
      }
      logger.warn(
        { problem, origin },
        origin === 'stored'
          ? 'refused flags of the wrong shape from Unleash; serving the last good flags'
          : 'ignored a flag backup of the wrong shape',
      );
      return false;
    }
    if (origin === 'stored' && bootstrapPending) {
      bootstrapPending = false;
    } else if (origin === 'stored') {
      refusedLastPayload = false;
      lastSyncAt = new Date();
      backoff.succeeded();
      reportFetch('changed');
    }
    record(data as ClientFeaturesResponse, origin === 'backup');
    return true;
  };

  const online = config.mode === 'online';
  const redisUrl = online ? config.redisUrl : undefined;
  const fleet: FleetSync | undefined =
    redisUrl === undefined
      ? undefined
      : createFleetSync({
          config: { ...config, redisUrl },
          logger,
          adopt: (data) => accept(data, 'fleet'),
          onSyncedAt: (at) => {
            lastSyncAt = at;
          },
        });
  const storage =
    fleet?.storage ??
    (online
      ? new FileStorage<ClientFeaturesResponse>(config.backupPath ?? tmpdir())
      : new InMemStorage<ClientFeaturesResponse>());
  const bootstrapUrl = config.bootstrapUrl;
  const bootstrap: BootstrapOptions | undefined = offlineFlags
    ? { data: offlineFlags.features, segments: offlineFlags.segments ?? [] }
    : bootstrapUrl
      ? {
          url: bootstrapUrl,
          ...(config.bootstrapAuthorization
            ? { urlHeaders: { Authorization: config.bootstrapAuthorization } }
            : {}),
        }
      : undefined;

  const checkingStorage = new CheckingStorage(storage, accept);
  // Offline mode never contacts this address: polling and metrics are off.
  const url = config.unleashUrl ?? 'http://offline.invalid/api';
  const repository = createSyncRepository({
    config,
    url,
    storage: checkingStorage,
    bootstrap,
    beforeFetch: async () => {
      backoff.check();
      await fleet?.beforeFetch();
    },
    onBootstrapRead: () => {
      bootstrapPending = true;
    },
  });
  repository.on('unchanged', () => {
    // A 304 that confirms a payload we refused is not a sync.
    reportFetch(refusedLastPayload ? 'failed' : 'unchanged');
    if (refusedLastPayload) return;
    lastSyncAt = new Date();
    backoff.succeeded();
    fleet?.markSynced();
  });
  repository.on('error', (error: unknown) => {
    if (stopped || isSkippedFetch(error)) return;
    reportFetch('failed');
    const delay = backoff.failed();
    // The SDK stops polling for good after a 401 or 403: ask again once the wait is over.
    if (error instanceof Error && STOPS_POLLING.test(error.message)) {
      logger.warn({ retryInMs: delay }, 'Unleash refused the API token; asking again later');
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => void repository.fetch(), delay);
      retryTimer.unref();
    }
  });

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
    httpOptions: { rejectUnauthorized: config.httpRejectUnauthorized },
    repository,
    strategies: [...strategies],
    skipInstanceCountWarning: true,
  });
  unleash.on('error', (error: unknown) => {
    if (isSkippedFetch(error)) return;
    logger.warn({ err: error }, 'unleash-client reported an error');
  });
  unleash.on('warn', (message: unknown) => {
    logger.warn({ detail: String(message) }, 'unleash-client warning');
  });
  if (online) {
    unleash.on('synchronized', () => logger.info('flags synchronized with Unleash'));
  }

  return {
    current: () => snapshot,
    ready: () => readyPromise,
    lastSyncAt: () => lastSyncAt,
    onUpdate(listener) {
      listeners.push(listener);
    },
    onFetch(listener) {
      fetchListeners.push(listener);
    },
    async close() {
      stopped = true;
      clearTimeout(retryTimer);
      await unleash.destroyWithFlush();
      // Stopping drops every listener, but a fetch still in flight reports its failure later:
      // an 'error' event with no listener would throw in the embedding process. Added before
      // any other await, so that no failure can arrive in between.
      repository.on('error', () => {});
      await checkingStorage.settle();
      await fleet?.close();
    },
  };
}
