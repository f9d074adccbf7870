import { tmpdir } from 'node:os';
import { Unleash } from 'unleash-client';
import type { StorageProvider } from 'unleash-client/lib/repository/storage-provider.js';
import FileStorageProvider from 'unleash-client/lib/repository/storage-provider-file.js';
import InMemStorageProvider from 'unleash-client/lib/repository/storage-provider-in-mem.js';
import type { ProxyConfig } from '../config/load-config.js';
import type { Logger } from '../logger.js';
import { defaultExport } from './default-export.js';
import { observeFetches } from './fetch-outcomes.js';
import { createSnapshot, type FlagSnapshot } from './snapshot.js';
import type { ClientFeaturesResponse, FeatureInterface, Strategy } from './types.js';

export type FetchOutcome = 'changed' | 'unchanged' | 'failed';

/**
 * The flags, kept in sync by unleash-client (polling with ETag, backup, bootstrap), exposed as
 * immutable snapshots. A new snapshot replaces the old one on every change.
 */
export interface FlagStore {
  current(): FlagSnapshot | undefined;
  ready(): Promise<FlagSnapshot>;
  onUpdate(listener: (snapshot: FlagSnapshot) => void): void;
  /** Online mode: told the outcome of every poll of Unleash (see fetch-outcomes.ts). */
  onFetch(listener: (outcome: FetchOutcome) => void): void;
  close(): Promise<void>;
}

export interface FlagStoreSettings {
  config: ProxyConfig;
  logger: Logger;
  strategies: readonly Strategy[];
  /** Offline mode only: the flags to serve, already read and checked. */
  offlineFlags?: ClientFeaturesResponse;
}

/** Hands every flag set the SDK stores (from Unleash, a backup or a bootstrap) to `record`. */
class RecordingStorage implements StorageProvider<ClientFeaturesResponse> {
  private readonly writes = new Set<Promise<void>>();

  constructor(
    private readonly inner: StorageProvider<ClientFeaturesResponse>,
    private readonly record: (data: ClientFeaturesResponse, fromBackup: boolean) => void,
  ) {}

  async set(key: string, data: ClientFeaturesResponse): Promise<void> {
    this.record(data, false);
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
    if (data !== undefined && Array.isArray(data.features)) this.record(data, true);
    return data;
  }
}

const FileStorage = defaultExport(FileStorageProvider);
const InMemStorage = defaultExport(InMemStorageProvider);

export function createFlagStore({
  config,
  logger,
  strategies,
  offlineFlags,
}: FlagStoreSettings): FlagStore {
  let snapshot: FlagSnapshot | undefined;
  let revision = 0;
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
    resolveReady(snapshot);
    for (const listener of listeners) listener(snapshot);
  };

  const online = config.mode === 'online';
  const storage = online
    ? new FileStorage<ClientFeaturesResponse>(config.backupPath ?? tmpdir())
    : new InMemStorage<ClientFeaturesResponse>();
  const bootstrapUrl = config.bootstrapUrl;
  const bootstrapOptions = offlineFlags
    ? { data: offlineFlags.features, segments: offlineFlags.segments ?? [] }
    : bootstrapUrl
      ? {
          url: bootstrapUrl,
          ...(config.bootstrapAuthorization
            ? { urlHeaders: { Authorization: config.bootstrapAuthorization } }
            : {}),
        }
      : undefined;
  const fetchListeners: ((outcome: FetchOutcome) => void)[] = [];
  const fetches = observeFetches(bootstrapOptions, config, (outcome) => {
    for (const listener of fetchListeners) listener(outcome);
  });

  const recordingStorage = new RecordingStorage(storage, record);
  const unleash = new Unleash({
    // Offline mode never contacts this address: polling and metrics are off.
    url: config.unleashUrl ?? 'http://offline.invalid/api',
    appName: config.unleashAppName,
    instanceId: config.unleashInstanceId,
    refreshInterval: online ? config.refreshInterval : 0,
    // Off even online: the proxy's own evaluations must not be counted (the SDKs behind it
    // report their usage, forwarded by src/metrics/), and with it off every warning or error
    // the SDK emits is about getting the flags, which is what fetch-outcomes.ts relies on.
    disableMetrics: true,
    ...(config.environment !== undefined ? { environment: config.environment } : {}),
    ...(config.projectName !== undefined ? { projectName: config.projectName } : {}),
    ...(config.namePrefix !== undefined ? { namePrefix: config.namePrefix } : {}),
    tags: [...config.tags],
    customHeaders: config.unleashApiToken ? { Authorization: config.unleashApiToken } : {},
    httpOptions: { rejectUnauthorized: config.httpRejectUnauthorized },
    ...(fetches.bootstrap ? { bootstrap: fetches.bootstrap } : {}),
    storageProvider: recordingStorage,
    strategies: [...strategies],
    skipInstanceCountWarning: true,
  });
  unleash.on('error', (error: unknown) => {
    logger.warn({ err: error }, 'unleash-client reported an error');
  });
  unleash.on('warn', (message: unknown) => {
    logger.warn({ detail: String(message) }, 'unleash-client warning');
  });
  if (online) {
    unleash.on('synchronized', () => logger.info('flags synchronized with Unleash'));
    fetches.attach(unleash);
  }

  return {
    current: () => snapshot,
    ready: () => readyPromise,
    onUpdate(listener) {
      listeners.push(listener);
    },
    onFetch(listener) {
      fetchListeners.push(listener);
    },
    async close() {
      await unleash.destroyWithFlush();
      await recordingStorage.settle();
    },
  };
}
