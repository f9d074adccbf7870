import { createHash } from 'node:crypto';
import type { ProxyConfig } from '../config/load-config.js';
import type { Logger } from '../logger.js';
import { createFlagStore, type FlagStore } from '../unleash/flag-store.js';
import type { Strategy } from '../unleash/types.js';
import type { UpstreamTracer } from '../unleash/upstream-tracer.js';
import type { Scope } from './scope.js';

/** One configured backend token and its sync with Unleash. */
export interface SyncedScope {
  readonly token: string;
  /** Undefined for a `[]:` token until Unleash has said which projects it reads. */
  scope: Scope | undefined;
  readonly store: FlagStore;
  /** The scope /proxy serves: its store is the app's, never stopped here. */
  readonly primary: boolean;
  active: boolean;
}

/** What a scope's own sync with Unleash needs from the app. */
export interface ScopeStoreSettings {
  readonly config: ProxyConfig;
  readonly logger: Logger;
  readonly strategies: readonly Strategy[];
  readonly upstream: UpstreamTracer;
}

/** The sync with Unleash of one configured backend token other than the primary. */
export function createScopeStore(settings: ScopeStoreSettings, token: string): FlagStore {
  const { config, logger, strategies, upstream } = settings;
  // Never the token itself in a file name or a Redis key: a digest of it.
  const backupSuffix = createHash('sha256').update(token).digest('hex').slice(0, 16);
  return createFlagStore({
    config: { ...config, unleashApiToken: token },
    logger: logger.child({ scope: backupSuffix }),
    strategies,
    backupSuffix,
    upstream,
  });
}
