import { ALL_FLAGS_SCOPE } from '../scopes/scope.js';
import type { FlagSnapshot } from '../unleash/snapshot.js';

export { ALL_FLAGS_SCOPE };

/** A change of the flags a scope sees, computed once per flag update for all its streams. */
export interface FlagChange {
  readonly scope: string;
  /** The flags the scope saw before; undefined for the first flags loaded. */
  readonly previous: FlagSnapshot | undefined;
  readonly current: FlagSnapshot;
  /** The flag configuration's tag (OFREP's `flagConfigEtag`): a digest of the content. */
  readonly etag: string;
}

export type FlagChangeListener = (change: FlagChange) => void;

/** The flag configuration tag of a snapshot, the same on every instance with the same flags. */
export function flagConfigEtag(snapshot: FlagSnapshot): string {
  return `"${snapshot.fingerprint}"`;
}

/**
 * Tells subscribers when the flags of their scope change: fed every flag update, it compares
 * content digests, so a reload of the same flags (a backup, a fleet peer) notifies no one.
 */
export class FlagChangeNotifier {
  private snapshot: FlagSnapshot | undefined;
  private readonly listeners = new Map<string, Set<FlagChangeListener>>();
  private readonly waiters = new Set<() => void>();

  update(snapshot: FlagSnapshot): void {
    const previous = this.snapshot;
    if (previous?.fingerprint === snapshot.fingerprint) return;
    this.snapshot = snapshot;
    const change: FlagChange = {
      scope: ALL_FLAGS_SCOPE,
      previous,
      current: snapshot,
      etag: flagConfigEtag(snapshot),
    };
    for (const listener of this.listeners.get(ALL_FLAGS_SCOPE) ?? []) listener(change);
    for (const wake of [...this.waiters]) wake();
  }

  /** The flags a scope sees now. */
  current(_scope: string = ALL_FLAGS_SCOPE): FlagSnapshot | undefined {
    return this.snapshot;
  }

  /** Calls `listener` on every change of the scope's flags until the returned function is called. */
  subscribe(scope: string, listener: FlagChangeListener): () => void {
    let set = this.listeners.get(scope);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(scope, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /**
   * Resolves once the scope's flags carry `etag` or at most `timeoutMs` later: a refetch
   * announced by another instance of a fleet may reach this one before its flags changed.
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
