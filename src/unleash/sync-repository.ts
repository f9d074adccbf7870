import { randomUUID } from 'node:crypto';
import {
  type BootstrapOptions,
  type BootstrapProvider,
  resolveBootstrapProvider,
} from 'unleash-client/lib/repository/bootstrap-provider.js';
import repositoryModule from 'unleash-client/lib/repository/index.js';
import type { StorageProvider } from 'unleash-client/lib/repository/storage-provider.js';
import type { ProxyConfig } from '../config/load-config.js';
import { defaultExport } from './default-export.js';
import { unleashHttpOptions } from './http-options.js';
import type { ClientFeaturesResponse } from './types.js';

const Repository = defaultExport(repositoryModule);
export type SyncRepository = InstanceType<typeof Repository>;

export interface SyncRepositorySettings {
  config: ProxyConfig;
  url: string;
  storage: StorageProvider<ClientFeaturesResponse>;
  bootstrap: BootstrapOptions | undefined;
  /**
   * Runs before every fetch from Unleash; throwing skips that fetch (the SDK retries later).
   * What it returns is added to the fetch's headers (trace context).
   */
  beforeFetch?: () => Promise<Readonly<Record<string, string>>>;
  /** Told when the bootstrap was read, so that storing it is not taken for a sync. */
  onBootstrapRead: () => void;
}

/**
 * unleash-client's own repository (polling, ETag, backoff, backup, bootstrap), built here
 * rather than inside `Unleash` so that the proxy holds it: to fetch again after a 401 (the
 * SDK stops polling for good on 401 and 403), and to gate fetches in a fleet. Unleash's
 * constructor builds it the same way from the same options.
 */
export function createSyncRepository(settings: SyncRepositorySettings): SyncRepository {
  const { config } = settings;
  const headers: Record<string, string> = config.unleashApiToken
    ? { Authorization: config.unleashApiToken }
    : {};
  const inner = resolveBootstrapProvider(
    settings.bootstrap ?? {},
    config.unleashAppName,
    config.unleashInstanceId,
  );
  const bootstrapProvider: BootstrapProvider = {
    async readBootstrap() {
      const content = await inner.readBootstrap();
      if (content !== undefined) settings.onBootstrapRead();
      return content;
    },
  };
  const beforeFetch = settings.beforeFetch;
  const online = config.mode === 'online';
  return new Repository({
    url: settings.url.endsWith('/') ? settings.url : `${settings.url}/`,
    appName: config.unleashAppName,
    instanceId: config.unleashInstanceId,
    connectionId: randomUUID(),
    refreshInterval: online ? config.refreshInterval : 0,
    timeout: config.unleashTimeoutMs,
    ...(beforeFetch
      ? {
          customHeadersFunction: async () => ({ ...(await beforeFetch()), ...headers }),
        }
      : { headers }),
    httpOptions: unleashHttpOptions(config),
    ...(config.projectName !== undefined ? { projectName: config.projectName } : {}),
    ...(config.namePrefix !== undefined ? { namePrefix: config.namePrefix } : {}),
    tags: [...config.tags],
    bootstrapProvider,
    storageProvider: settings.storage,
    mode: { type: 'polling', format: 'full' },
  });
}
