import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '@redis/client';
import type { StorageProvider } from 'unleash-client/lib/repository/storage-provider.js';
import { describeError, type Logger } from '../logger.js';
import { ageInSeconds } from './sync-scope.js';
import type { ClientFeaturesResponse } from './types.js';

/** What a follower reads: the flags the leader last stored, and when it last synced. */
export interface SharedFlags {
  fingerprint: string;
  syncedAt: Date | undefined;
}

export interface RedisBackupSettings {
  url: string;
  /** Distinguishes fleets: instances share a backup only when they fetch the same flags. */
  namespace: string;
  instanceId: string;
  /** The Unleash URL without credentials, for the log line of a loaded backup. */
  upstream: string;
  /** How long a lease to fetch from Unleash lasts unless the leader renews it. */
  leaseMs: number;
  logger: Logger;
}

/** Renews the lease when this instance holds it, takes it when nobody does: 1 or 0. */
const TAKE_OR_RENEW_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0`;

const RELEASE_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * The flag backup of a fleet, in Redis, plus the lease that lets one instance at a time fetch
 * from Unleash. Commands fail fast while Redis is unreachable (no offline queue), so callers
 * can fall back instead of hanging.
 */
export class RedisBackup implements StorageProvider<ClientFeaturesResponse> {
  private readonly client;
  private readonly firstAttempt: Promise<void>;
  private attempted = false;
  private readonly keys: {
    flags: string;
    fingerprint: string;
    syncedAt: string;
    lease: string;
    /** The pub/sub channel that announces new flags to the fleet. */
    changes: string;
  };
  private subscriber: { destroy(): void } | undefined;

  constructor(private readonly settings: RedisBackupSettings) {
    const prefix = `unleash-koa-proxy:${settings.namespace}`;
    this.keys = {
      flags: `${prefix}:flags`,
      fingerprint: `${prefix}:fingerprint`,
      syncedAt: `${prefix}:synced-at`,
      lease: `${prefix}:fetch-lease`,
      changes: `${prefix}:changes`,
    };
    this.client = createClient({
      url: settings.url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: 2_000,
        reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5_000),
      },
    });
    // While Redis is unreachable, `connect()` stays pending through every reconnect attempt;
    // waiting on it would hold up each call (and each fetch from Unleash) by the full wait.
    // The first attempt's outcome, success or error, is all a caller needs to wait for.
    this.firstAttempt = new Promise<void>((resolve) => {
      const settle = () => {
        this.attempted = true;
        resolve();
      };
      this.client.once('ready', settle);
      this.client.once('error', settle);
    });
    this.client.on('error', (error: unknown) => {
      settings.logger.warn({ error: describeError(error) }, 'redis error');
    });
    this.client.connect().catch(() => undefined);
  }

  /** Waits briefly for the first connection attempt; commands then succeed or fail at once. */
  private async connected(): Promise<void> {
    if (this.attempted) return;
    await Promise.race([this.firstAttempt, sleep(2_000)]);
  }

  /** The SDK's read of its backup at start: says in the log which one and how old it is. */
  async get(_key: string): Promise<ClientFeaturesResponse | undefined> {
    const flags = await this.readFlags();
    const { logger, namespace, upstream } = this.settings;
    if (flags === undefined) {
      logger.info({ namespace, upstream }, 'no flag backup in redis for this Unleash and token');
      return undefined;
    }
    const syncedAt = (await this.readShared())?.syncedAt;
    const age = syncedAt === undefined ? 'of unknown age' : `${ageInSeconds(syncedAt)} s ago`;
    logger.info(
      { namespace, upstream, syncedAt: syncedAt?.toISOString() },
      `loaded the flag backup from redis (${this.keys.flags}) for ${upstream}, written ${age}`,
    );
    return flags;
  }

  /** The flags the fetching instance last stored. */
  async readFlags(): Promise<ClientFeaturesResponse | undefined> {
    await this.connected();
    const text = await this.client.get(this.keys.flags);
    if (text === null) return undefined;
    return JSON.parse(text) as ClientFeaturesResponse;
  }

  /**
   * Stores the flags and marks them synced now, in one transaction so readers see both, and
   * announces them on the fleet's channel: followers pick them up at once, not at their next
   * poll, so that a change reaches the event streams of every instance.
   */
  async set(_key: string, data: ClientFeaturesResponse): Promise<void> {
    await this.connected();
    const text = JSON.stringify(data);
    const fingerprint = fingerprintOf(text);
    await this.client
      .multi()
      .set(this.keys.flags, text)
      .set(this.keys.fingerprint, fingerprint)
      .set(this.keys.syncedAt, String(Date.now()))
      .publish(this.keys.changes, fingerprint)
      .exec();
  }

  /**
   * Calls `listener` whenever an instance of the fleet stores new flags. The subscription has
   * its own connection (Redis requires it) and is renewed by the client after a reconnect;
   * errors are already reported by the main connection.
   */
  onStored(listener: () => void): void {
    const subscriber = this.client.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined);
    subscriber
      .connect()
      .then(() => subscriber.subscribe(this.keys.changes, () => listener()))
      .catch(() => undefined);
  }

  /** Records a sync that found the flags unchanged (a 304). */
  async markSynced(): Promise<void> {
    await this.connected();
    await this.client.set(this.keys.syncedAt, String(Date.now()));
  }

  async readShared(): Promise<SharedFlags | undefined> {
    await this.connected();
    const [fingerprint, syncedAt] = await this.client.mGet([
      this.keys.fingerprint,
      this.keys.syncedAt,
    ]);
    if (fingerprint === null || fingerprint === undefined) return undefined;
    const millis = Number(syncedAt);
    return { fingerprint, syncedAt: Number.isFinite(millis) ? new Date(millis) : undefined };
  }

  /** True when this instance holds the lease to fetch from Unleash (taking it if free). */
  async tryLead(): Promise<boolean> {
    await this.connected();
    const result = await this.client.eval(TAKE_OR_RENEW_LEASE, {
      keys: [this.keys.lease],
      arguments: [this.settings.instanceId, String(this.settings.leaseMs)],
    });
    return result === 1;
  }

  async close(): Promise<void> {
    try {
      if (this.client.isReady) {
        await this.client.eval(RELEASE_LEASE, {
          keys: [this.keys.lease],
          arguments: [this.settings.instanceId],
        });
      }
    } catch {
      // The lease expires on its own.
    }
    this.client.destroy();
    this.subscriber?.destroy();
  }
}

export function fingerprintOf(text: string): string {
  return createHash('sha1').update(text).digest('base64url');
}
