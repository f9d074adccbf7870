import type { BootstrapOptions } from 'unleash-client/lib/repository/bootstrap-provider.js';
import type { StorageProvider } from 'unleash-client/lib/repository/storage-provider.js';
import type { ProxyConfig } from '../config/load-config.js';
import type { FlagStorageProvider } from '../config/programmatic-options.js';
import { ConfigError } from '../errors.js';
import type { ClientFeaturesResponse } from './types.js';

/**
 * What a program hands the sync engine through the original proxy's options (see
 * config/programmatic-options.ts): its backup storage, its bootstrap, its client mode.
 */

/**
 * A program's StorageProvider (`storageProvider`). What it returns is checked like any backup
 * before it is served; `null` reads as no backup.
 */
export function storageFromProgram(
  provider: FlagStorageProvider,
): StorageProvider<ClientFeaturesResponse> {
  return {
    set: (key, data) => provider.set(key, data),
    async get(key) {
      const data = await provider.get(key);
      return data === null || data === undefined ? undefined : (data as ClientFeaturesResponse);
    },
  };
}

/** A program's `expBootstrap`: its shape was checked at boot, the flags it yields are checked when stored. */
export function bootstrapFromProgram(config: ProxyConfig): BootstrapOptions | undefined {
  return config.programmatic.expBootstrap as BootstrapOptions | undefined;
}

/** Whether a store made with `clientMode: 'singleton'` is open in this process. */
let singletonOpen = false;

/**
 * The original's `clientMode: 'singleton'` means one unleash-client per process: a second one
 * is refused rather than made. Returns the release to call on close (a no-op otherwise).
 */
export function claimClientMode(config: ProxyConfig): () => void {
  if (config.programmatic.clientMode !== 'singleton') return () => {};
  if (singletonOpen) {
    throw new ConfigError([
      'option clientMode="singleton": a proxy with its client already runs in this process; close it first, or give each proxy its own client with clientMode: "new"',
    ]);
  }
  singletonOpen = true;
  return () => {
    singletonOpen = false;
  };
}
