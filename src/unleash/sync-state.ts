import type { Logger } from '../logger.js';
import { FetchBackoff } from './fetch-backoff.js';
import { findPayloadProblem } from './payload-validation.js';
import { createSnapshot, type FlagSnapshot } from './snapshot.js';
import type { ClientFeaturesResponse, FeatureInterface, Strategy } from './types.js';
import { warnUnimplementedStrategies } from './unimplemented-strategies.js';

export type FetchOutcome = 'changed' | 'unchanged' | 'failed';

/** Where a payload comes from: stored by the SDK (a fetch or bootstrap) or read from a backup. */
export type Origin = 'stored' | 'backup';

/**
 * What the store knows and tells: the snapshot in force, when Unleash last confirmed it, the
 * backoff of polls, and who listens to updates and fetch outcomes. Every payload goes through
 * `accept` before anything serves or persists it.
 */
export class SyncState {
  snapshot: FlagSnapshot | undefined;
  lastSyncAt: Date | undefined;
  /** The SDK read its bootstrap: the next payload it stores is that, not a fetch. */
  bootstrapPending = false;
  readonly backoff: FetchBackoff;
  readonly ready: Promise<FlagSnapshot>;
  readonly updateListeners: ((snapshot: FlagSnapshot) => void)[] = [];
  readonly fetchListeners: ((outcome: FetchOutcome) => void)[] = [];
  private revision = 0;
  /** The last payload from Unleash was refused: a 304 now confirms that one, not ours. */
  private refusedLastPayload = false;
  private resolveReady: (snapshot: FlagSnapshot) => void = () => {};

  constructor(
    refreshInterval: number,
    private readonly logger: Logger,
    /** The custom strategies, to warn about flags using one nobody implements. */
    private readonly strategies: readonly Strategy[],
  ) {
    this.backoff = new FetchBackoff(refreshInterval);
    this.ready = new Promise<FlagSnapshot>((resolve) => {
      this.resolveReady = resolve;
    });
  }

  /** Checks a payload stored by the SDK, read from a backup, or adopted from the fleet. */
  accept(data: unknown, origin: Origin | 'fleet'): boolean {
    const problem = findPayloadProblem(data);
    if (problem !== undefined) {
      if (origin === 'stored') {
        this.refusedLastPayload = true;
        this.backoff.failed();
        this.reportFetch('failed');
      }
      this.logger.warn(
        { problem, origin },
        origin === 'stored'
          ? 'refused flags of the wrong shape from Unleash; serving the last good flags'
          : 'ignored a flag backup of the wrong shape',
      );
      return false;
    }
    if (origin === 'stored' && this.bootstrapPending) {
      this.bootstrapPending = false;
    } else if (origin === 'stored') {
      this.refusedLastPayload = false;
      this.lastSyncAt = new Date();
      this.backoff.succeeded();
      this.reportFetch('changed');
    }
    this.record(data as ClientFeaturesResponse, origin === 'backup');
    return true;
  }

  /** Unleash answered 304: a sync, unless it confirms a payload that was refused. */
  confirmUnchanged(): boolean {
    this.reportFetch(this.refusedLastPayload ? 'failed' : 'unchanged');
    if (this.refusedLastPayload) return false;
    this.lastSyncAt = new Date();
    this.backoff.succeeded();
    return true;
  }

  reportFetch(outcome: FetchOutcome): void {
    for (const listener of this.fetchListeners) listener(outcome);
  }

  private record(data: ClientFeaturesResponse, fromBackup: boolean): void {
    // A backup read that finishes after a fresh fetch must not replace the fresher flags.
    if (fromBackup && this.snapshot !== undefined) return;
    this.revision += 1;
    const snapshot = createSnapshot(
      this.revision,
      data.features as FeatureInterface[],
      data.segments ?? [],
    );
    this.snapshot = snapshot;
    this.logger.debug(
      { revision: this.revision, flags: snapshot.features.length, fromBackup },
      'flags updated',
    );
    warnUnimplementedStrategies(snapshot.features, this.strategies, this.logger);
    this.resolveReady(snapshot);
    for (const listener of this.updateListeners) listener(snapshot);
  }
}
