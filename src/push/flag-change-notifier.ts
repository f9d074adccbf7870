import { ALL_FLAGS_SCOPE } from '../scopes/scope.js';
import type { FlagSnapshot } from '../unleash/snapshot.js';

export { ALL_FLAGS_SCOPE };

/** A change of the flags a scope sees, computed once per flag update for all its streams. */
export interface FlagChange {
  /** The scope key: ALL_FLAGS_SCOPE, or `scopeKey(grant)` for an Unleash token's flags. */
  readonly scope: string;
  /** The flags the scope saw before; undefined for the first flags loaded. */
  readonly previous: FlagSnapshot | undefined;
  readonly current: FlagSnapshot;
  /** The flag configuration's tag (OFREP's `flagConfigEtag`): a digest of the content. */
  readonly etag: string;
}

export type FlagChangeListener = (change: FlagChange) => void;

/** Called when a scope's flags are no longer served (the configured tokens of its environment revoked). */
export type ScopeGoneListener = () => void;

/**
 * The flags a scope key reads now (undefined while they are not loaded, or for a scope this
 * proxy does not serve). Given by the app, which knows the stores (src/app.ts).
 */
export type ScopeSnapshots = (scope: string) => FlagSnapshot | undefined;

/** The flag configuration tag of a snapshot, the same on every instance with the same flags. */
export function flagConfigEtag(snapshot: FlagSnapshot): string {
  return `"${snapshot.fingerprint}"`;
}

/** A scope somebody listens to: the flags last told, so that only real changes are. */
interface WatchedScope {
  snapshot: FlagSnapshot | undefined;
  readonly listeners: Set<FlagChangeListener>;
  readonly goneListeners: Set<ScopeGoneListener>;
}

/**
 * Tells subscribers when the flags of their scope change. `refresh()` runs on every flag update
 * of any store (the primary one, or a scope's when its environment is rebuilt): it reads the
 * flags of each scope someone listens to, once per update and scope, and compares content
 * digests. So a reload of the same flags (a backup, a fleet peer) notifies no one, a change in
 * one environment notifies none of another's, and a change to a project's flag none of the
 * scopes restricted to other projects.
 */
export class FlagChangeNotifier {
  private readonly watched = new Map<string, WatchedScope>();
  private readonly waiters = new Set<() => void>();

  constructor(private readonly snapshotOf: ScopeSnapshots) {}

  /** Compares the flags of every watched scope with what it was last told; called on updates. */
  refresh(): void {
    for (const [scope, watched] of this.watched) {
      const current = this.snapshotOf(scope);
      const previous = watched.snapshot;
      if (current === undefined) {
        // Flags it had are no longer served: its streams must not go on as if they were.
        if (previous !== undefined) {
          watched.snapshot = undefined;
          for (const gone of [...watched.goneListeners]) gone();
        }
        continue;
      }
      if (previous?.fingerprint === current.fingerprint) continue;
      watched.snapshot = current;
      const change: FlagChange = { scope, previous, current, etag: flagConfigEtag(current) };
      for (const listener of [...watched.listeners]) listener(change);
    }
    for (const wake of [...this.waiters]) wake();
  }

  /** The flags a scope sees now. */
  current(scope: string = ALL_FLAGS_SCOPE): FlagSnapshot | undefined {
    return this.watched.get(scope)?.snapshot ?? this.snapshotOf(scope);
  }

  /**
   * Calls `listener` on every change of the scope's flags, and `gone` when the flags it had are
   * no longer served, until the returned function is called. The flags the scope has when
   * subscribing are the base of its first change.
   */
  subscribe(scope: string, listener: FlagChangeListener, gone?: ScopeGoneListener): () => void {
    let watched = this.watched.get(scope);
    if (watched === undefined) {
      watched = {
        snapshot: this.snapshotOf(scope),
        listeners: new Set(),
        goneListeners: new Set(),
      };
      this.watched.set(scope, watched);
    }
    const { listeners, goneListeners } = watched;
    listeners.add(listener);
    if (gone !== undefined) goneListeners.add(gone);
    return () => {
      listeners.delete(listener);
      if (gone !== undefined) goneListeners.delete(gone);
      // Nobody left: the scope costs nothing on the next updates.
      if (listeners.size === 0 && this.watched.get(scope)?.listeners === listeners) {
        this.watched.delete(scope);
      }
    };
  }

  /**
   * Resolves once the scope's flags carry `etag` or at most `timeoutMs` later: a refetch
   * announced by another instance of a fleet may reach this one before its flags changed.
   * Every flag update checks the waiting scopes again.
   */
  async waitForEtag(scope: string, etag: string, timeoutMs: number): Promise<void> {
    const matches = () => {
      const snapshot = this.current(scope);
      return snapshot !== undefined && flagConfigEtag(snapshot) === etag;
    };
    if (matches() || timeoutMs <= 0) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const check = () => {
        if (matches()) done();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(check);
    });
  }
}
