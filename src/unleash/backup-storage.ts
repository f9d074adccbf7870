import { tmpdir } from 'node:os';
import type { StorageProvider } from 'unleash-client/lib/repository/storage-provider.js';
import InMemStorageProvider from 'unleash-client/lib/repository/storage-provider-in-mem.js';
import type { ProxyConfig } from '../config/load-config.js';
import type { Logger } from '../logger.js';
import { BackupFile } from './backup-file.js';
import { defaultExport } from './default-export.js';
import type { FleetSync } from './fleet-sync.js';
import { storageFromProgram } from './program-given.js';
import { syncScopeDigest, upstreamForLogs } from './sync-scope.js';
import type { Origin } from './sync-state.js';
import type { ClientFeaturesResponse } from './types.js';

/**
 * Sits between unleash-client and its storage: every flag set the SDK stores (from Unleash or
 * a bootstrap) or reads back (a backup) goes through `accept` first, which checks it and
 * hands it on. A set that fails the check is neither served nor persisted.
 */
export class CheckingStorage implements StorageProvider<ClientFeaturesResponse> {
  constructor(
    private readonly inner: StorageProvider<ClientFeaturesResponse>,
    private readonly accept: (data: unknown, origin: Origin) => boolean,
    private readonly suffix: string,
  ) {}

  private readonly writes = new Set<Promise<void>>();

  async set(key: string, data: ClientFeaturesResponse): Promise<void> {
    if (!this.accept(data, 'stored')) return;
    const write = this.inner.set(`${key}${this.suffix}`, data);
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
    const data = await this.inner.get(`${key}${this.suffix}`);
    if (data === undefined) return undefined;
    return this.accept(data, 'backup') ? data : undefined;
  }
}

const InMemStorage = defaultExport(InMemStorageProvider);

/**
 * Where the SDK keeps its backup: the fleet's Redis, a program's storageProvider, a folder
 * (online), or memory (offline).
 */
export function backupStorage(
  config: ProxyConfig,
  fleet: FleetSync | undefined,
  logger: Logger,
): StorageProvider<ClientFeaturesResponse> {
  if (fleet !== undefined) return fleet.storage;
  const fromProgram = config.programmatic.storageProvider;
  if (fromProgram !== undefined) return storageFromProgram(fromProgram);
  return config.mode === 'online'
    ? new BackupFile({
        folder: config.backupPath ?? tmpdir(),
        appName: config.unleashAppName,
        scope: syncScopeDigest(config),
        upstream: upstreamForLogs(config.unleashUrl ?? ''),
        logger,
      })
    : new InMemStorage<ClientFeaturesResponse>();
}
