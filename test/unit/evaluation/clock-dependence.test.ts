import { describe, expect, it } from 'vitest';
import { clockPeriodOf, usesOpaqueStrategy } from '../../../src/evaluation/clock-dependence.js';
import { createSnapshot } from '../../../src/unleash/snapshot.js';
import type { FeatureInterface, Segment } from '../../../src/unleash/types.js';

function flagWith(...strategies: Record<string, unknown>[]): FeatureInterface {
  return { name: 'f', enabled: true, strategies } as unknown as FeatureInterface;
}
const date = (operator: string, value: string) => ({
  contextName: 'currentTime',
  operator,
  value,
});
const periodOf = (feature: FeatureInterface, segments: Segment[] = []) =>
  clockPeriodOf(createSnapshot(1, [feature], segments));
const at = (iso: string) => new Date(iso).getTime();

describe('clockPeriodOf', () => {
  it('is undefined for built-in strategies with clock-free constraints', () => {
    const inList = { contextName: 'userId', operator: 'IN', values: ['a'] };
    expect(periodOf(flagWith({ name: 'default', constraints: [inList] }))).toBeUndefined();
    expect(periodOf(flagWith({ name: 'flexibleRollout', parameters: {} }))).toBeUndefined();
  });

  it('changes exactly at the instants of DATE_AFTER and DATE_BEFORE constraints', () => {
    const period = periodOf(
      flagWith(
        { name: 'default', constraints: [date('DATE_AFTER', '2030-01-01T00:00:00Z')] },
        { name: 'default', constraints: [date('DATE_BEFORE', '2031-01-01T00:00:00Z')] },
      ),
    );
    if (period === undefined) throw new Error('expected a clock period');
    const first = at('2030-01-01T00:00:00Z');
    expect(period(at('2020-01-01T00:00:00Z'))).toBe(period(first - 1));
    // DATE_AFTER is strict: at the instant it is still off, one millisecond later it is on.
    expect(period(first)).not.toBe(period(first - 1));
    expect(period(first + 1)).not.toBe(period(first));
    expect(period(first + 1)).toBe(period(at('2030-06-01T00:00:00Z')));
    expect(period(at('2031-06-01T00:00:00Z'))).not.toBe(period(at('2030-06-01T00:00:00Z')));
  });

  it('reads date constraints in the segments a strategy uses, not in unused ones', () => {
    const segment = {
      id: 7,
      constraints: [date('DATE_AFTER', '2030-01-01T00:00:00Z')],
    } as unknown as Segment;
    expect(periodOf(flagWith({ name: 'default', segments: [7] }), [segment])).toBeDefined();
    expect(periodOf(flagWith({ name: 'default', segments: [] }), [segment])).toBeUndefined();
  });

  it('leaves a strategy it does not know to the answer digest: no period, but opaque', () => {
    const custom = flagWith({ name: 'time-window', parameters: {} });
    expect(periodOf(custom)).toBeUndefined();
    expect(usesOpaqueStrategy(createSnapshot(1, [custom]))).toBe(true);
    expect(usesOpaqueStrategy(createSnapshot(1, [flagWith({ name: 'default' })]))).toBe(false);
  });

  it('reads malformed payloads without throwing', () => {
    expect(periodOf(flagWith({ name: 'default', constraints: 'nope' }))).toBeUndefined();
    expect(
      periodOf(flagWith({ name: 'default', constraints: [date('DATE_AFTER', 'not a date')] })),
    ).toBeUndefined();
    const broken = { name: 'f', enabled: true, strategies: null } as unknown as FeatureInterface;
    expect(periodOf(broken)).toBeUndefined();
  });
});
