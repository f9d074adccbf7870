import type { ProxyConfig } from '../config/load-config.js';
import { describeError, type Logger } from '../logger.js';
import { RedisBackup } from './redis-backup.js';
import { syncScopeDigest, upstreamForLogs } from './sync-scope.js';
import type { ClientFeaturesResponse } from './types.js';

/** Thrown before a fetch by an instance that is not the fleet's fetcher: the fetch is skipped. */
export class NotTheFetcherError extends Error {
  constructor() {
    super('another instance of the fleet fetches from Unleash');
    this.name = 'NotTheFetcherError';
  }
}

export interface FleetSyncSettings {
  config: ProxyConfig & { readonly redisUrl: string };
  logger: Logger;
  /** Offers flags another instance stored; returns whether they were accepted. */
  adopt: (data: unknown) => boolean;
  /** The fleet's last successful sync with Unleash, as the fetching instance recorded it. */
  onSyncedAt: (at: Date) => void;
}

export interface FleetSync {
  /** The shared backup, as unleash-client's storage provider. */
  readonly storage: RedisBackup;
  /** Gate run before every fetch: only the lease holder goes on to Unleash. */
  beforeFetch(): Promise<void>;
  /** The fetcher saw a 304: the fleet's flags are confirmed current. */
  markSynced(): void;
  close(): Promise<void>;
}

/**
 * A fleet on Redis: one instance at a time holds a lease and fetches from Unleash, storing
 * what it gets in Redis; the others skip their fetches and pick the flags up from Redis on
 * the same interval. The lease outlives a whole fetch (three attempts at UNLEASH_TIMEOUT_MS),
 * so two instances never fetch at once; when the holder stops it releases the lease, when it
 * dies the lease expires and the next instance to poll takes over. If Redis is unreachable,
 * each instance fetches for itself rather than serve flags that can no longer change.
 */
export function createFleetSync({
  config,
  logger,
  adopt,
  onSyncedAt,
}: FleetSyncSettings): FleetSync {
  const storage = new RedisBackup({
    url: config.redisUrl,
    // Instances share flags only when they fetch the same ones (same Unleash, token, filters).
    namespace: syncScopeDigest(config),
    upstream: upstreamForLogs(config.unleashUrl ?? ''),
    instanceId: config.unleashInstanceId,
    leaseMs: config.refreshInterval + 3 * config.unleashTimeoutMs + 5_000,
    logger,
  });
  let fetching: boolean | undefined;
  let seenFingerprint: string | undefined;
  let following = Promise.resolve();

  const follow = async (): Promise<void> => {
    if (fetching !== false) return;
    const shared = await storage.readShared();
    if (shared === undefined) return;
    if (shared.fingerprint !== seenFingerprint) {
      const data: ClientFeaturesResponse | undefined = await storage.readFlags();
      if (data !== undefined && adopt(data)) {
        seenFingerprint = shared.fingerprint;
        logger.info(
          { syncedAt: shared.syncedAt?.toISOString() },
          "flags synchronized with Unleash by the fleet's fetching instance",
        );
      }
    }
    if (shared.syncedAt !== undefined) onSyncedAt(shared.syncedAt);
  };
  const followNow = () => {
    following = following.then(follow).catch((error: unknown) => {
      logger.warn({ error: describeError(error) }, 'cannot read the shared flags from redis');
    });
  };
  const timer = setInterval(followNow, Math.max(config.refreshInterval, 100));
  timer.unref();
  // The fetcher announces new flags: followers adopt them at once (and tell their streams).
  storage.onStored(followNow);

  return {
    storage,
    async beforeFetch() {
      let lead: boolean;
      try {
        lead = await storage.tryLead();
      } catch (error) {
        logger.warn(
          { error: describeError(error) },
          'redis unreachable: fetching from Unleash directly',
        );
        lead = true;
      }
      if (lead !== fetching) {
        fetching = lead;
        logger.info(
          lead
            ? 'this instance now fetches flags from Unleash for the fleet'
            : 'another instance fetches flags from Unleash; following the shared backup',
        );
      }
      if (!lead) throw new NotTheFetcherError();
    },
    markSynced() {
      storage.markSynced().catch((error: unknown) => {
        logger.warn({ error: describeError(error) }, 'cannot record the sync time in redis');
      });
    },
    async close() {
      clearInterval(timer);
      await following;
      await storage.close();
    },
  };
}
