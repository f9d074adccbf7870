import { describe, expect, it } from 'vitest';
import {
  ALL_FLAGS_SCOPE,
  type FlagChange,
  FlagChangeNotifier,
  flagConfigEtag,
} from '../../../src/push/flag-change-notifier.js';
import { scopeKey } from '../../../src/scopes/scope.js';
import { createSnapshot, type FlagSnapshot } from '../../../src/unleash/snapshot.js';
import type { FeatureInterface } from '../../../src/unleash/types.js';

const flag = (name: string, enabled: boolean): FeatureInterface =>
  ({ name, enabled, strategies: [], project: 'default' }) as FeatureInterface;

const DEV = scopeKey({ environment: 'development', projects: ['*'] });
const PROD = scopeKey({ environment: 'production', projects: ['*'] });

/** Flags per scope key, as the app's stores would hold them. */
function stores() {
  const flags = new Map<string, FlagSnapshot>();
  let reads = 0;
  const set = (scope: string, ...features: FeatureInterface[]) => {
    flags.set(scope, createSnapshot(1, features));
  };
  const remove = (scope: string) => flags.delete(scope);
  const notifier = new FlagChangeNotifier((scope) => {
    reads += 1;
    return flags.get(scope);
  });
  return { set, remove, notifier, reads: () => reads };
}

describe('FlagChangeNotifier', () => {
  it('tells the listeners of the scopes whose flags changed, and only them', () => {
    const { set, notifier } = stores();
    set(DEV, flag('a', true));
    set(PROD, flag('b', true));
    const seen: FlagChange[] = [];
    notifier.subscribe(DEV, (change) => seen.push(change));
    notifier.subscribe(PROD, (change) => seen.push(change));

    set(PROD, flag('b', false));
    notifier.refresh();
    expect(seen.map((change) => change.scope)).toEqual([PROD]);
    expect(seen[0]?.previous?.features[0]?.enabled).toBe(true);
    expect(seen[0]?.etag).toBe(flagConfigEtag(seen[0]?.current as FlagSnapshot));

    // The same content again (a backup, a fleet peer): nothing to tell.
    set(PROD, flag('b', false));
    set(DEV, flag('a', true));
    notifier.refresh();
    expect(seen).toHaveLength(1);
  });

  it('reads each watched scope once per update, whatever the number of its listeners', () => {
    const { set, notifier, reads } = stores();
    set(DEV, flag('a', true));
    const seen: string[] = [];
    for (let index = 0; index < 100; index += 1) {
      notifier.subscribe(DEV, (change) => seen.push(change.scope));
    }
    const before = reads();
    set(DEV, flag('a', false));
    notifier.refresh();
    expect(reads() - before).toBe(1);
    expect(seen).toHaveLength(100);
  });

  it('tells the first flags of a scope with no previous ones, and forgets a scope nobody follows', () => {
    const { set, notifier, reads } = stores();
    const seen: FlagChange[] = [];
    const stop = notifier.subscribe(ALL_FLAGS_SCOPE, (change) => seen.push(change));
    set(ALL_FLAGS_SCOPE, flag('a', true));
    notifier.refresh();
    expect(seen).toHaveLength(1);
    expect(seen[0]?.previous).toBeUndefined();

    stop();
    set(ALL_FLAGS_SCOPE, flag('a', false));
    const before = reads();
    notifier.refresh();
    expect(seen).toHaveLength(1);
    expect(reads()).toBe(before);
    expect(notifier.current(ALL_FLAGS_SCOPE)?.features[0]?.enabled).toBe(false);
  });

  it("waits for a scope's flag configuration tag, woken by that scope's update", async () => {
    const { set, notifier } = stores();
    set(DEV, flag('a', true));
    set(PROD, flag('b', true));
    const wanted = createSnapshot(1, [flag('a', false)]);
    let done = false;
    const waiting = notifier.waitForEtag(DEV, flagConfigEtag(wanted), 60_000).then(() => {
      done = true;
    });
    set(PROD, flag('b', false));
    notifier.refresh();
    await Promise.resolve();
    expect(done).toBe(false);
    set(DEV, flag('a', false));
    notifier.refresh();
    await waiting;
    expect(done).toBe(true);
  });

  it('tells a scope whose flags are no longer served, once, and its change listeners nothing', () => {
    const { set, notifier, remove } = stores();
    set(PROD, flag('b', true));
    const seen: string[] = [];
    notifier.subscribe(
      PROD,
      (change) => seen.push(`change ${change.scope}`),
      () => seen.push('gone'),
    );
    remove(PROD);
    notifier.refresh();
    notifier.refresh();
    expect(seen).toEqual(['gone']);
    expect(notifier.current(PROD)).toBeUndefined();
  });
});
