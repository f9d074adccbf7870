import type { ProxyConfig } from '../config/load-config.js';
import { FlagsStaleError, NotReadyError } from '../errors.js';
import type { LiveFlags } from '../evaluation/live-flags.js';

/** Below this, one slow Unleash answer or a short network blip would fail readiness. */
const MIN_DEFAULT_MAX_AGE_MS = 60_000;
const DEFAULT_MAX_AGE_POLLS = 60;

/**
 * How long the flags may go without a successful poll before readiness fails; 0 means never.
 * The default is generous on purpose: readiness failing on every replica at once (Unleash
 * down for all of them) takes the whole fleet out of the load balancer, while the cached
 * flags would still have been served. Offline mode and disabled polling never go stale.
 */
export function readinessMaxAgeMs(config: ProxyConfig): number {
  if (config.mode !== 'online' || config.refreshInterval === 0) return 0;
  return (
    config.readinessMaxAgeMs ??
    Math.max(MIN_DEFAULT_MAX_AGE_MS, DEFAULT_MAX_AGE_POLLS * config.refreshInterval)
  );
}

/**
 * The age of the flags: since the last sync with Unleash as the flag store knows it (this
 * instance's own polls, or in a Redis fleet the fetching instance's, read from Redis), so
 * that readiness, Prometheus and the logs of every instance agree.
 */
export class SyncTracker {
  private readonly startedAt = new Date();

  constructor(private readonly lastSync: () => Date | undefined) {}

  lastSyncAt(): Date | undefined {
    return this.lastSync();
  }

  /** Milliseconds since the last successful poll, or since start when there was none yet. */
  ageMs(now = Date.now()): number {
    return now - (this.lastSync() ?? this.startedAt).getTime();
  }
}

/**
 * Throws the 503 a readiness probe should see: flags not loaded yet, or not confirmed by
 * Unleash for longer than `maxAgeMs`. A proxy started from a backup gets that long, from its
 * start, to reach Unleash.
 */
export function assertReady(flags: LiveFlags, sync: SyncTracker, maxAgeMs: number): void {
  if (flags.current() === undefined) throw new NotReadyError();
  if (maxAgeMs === 0) return;
  const age = sync.ageMs();
  if (age > maxAgeMs) throw new FlagsStaleError(age, maxAgeMs);
}
