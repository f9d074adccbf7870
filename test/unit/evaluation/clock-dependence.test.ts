import { describe, expect, it } from 'vitest';
import { answersDependOnClock } from '../../../src/evaluation/clock-dependence.js';
import { createSnapshot } from '../../../src/unleash/snapshot.js';
import type { FeatureInterface, Segment } from '../../../src/unleash/types.js';

function flagWith(strategy: Record<string, unknown>): FeatureInterface {
  return { name: 'f', enabled: true, strategies: [strategy] } as unknown as FeatureInterface;
}
const dateAfter = { contextName: 'currentTime', operator: 'DATE_AFTER', value: '2030-01-01' };
const dependsOnClock = (feature: FeatureInterface, segments: Segment[] = []) =>
  answersDependOnClock(createSnapshot(1, [feature], segments));

describe('answersDependOnClock', () => {
  it('is false for built-in strategies with clock-free constraints', () => {
    const inList = { contextName: 'userId', operator: 'IN', values: ['a'] };
    expect(dependsOnClock(flagWith({ name: 'default', constraints: [inList] }))).toBe(false);
    expect(dependsOnClock(flagWith({ name: 'flexibleRollout', parameters: {} }))).toBe(false);
  });

  it('is true for a DATE_AFTER or DATE_BEFORE constraint on a strategy', () => {
    expect(dependsOnClock(flagWith({ name: 'default', constraints: [dateAfter] }))).toBe(true);
    const before = { ...dateAfter, operator: 'DATE_BEFORE' };
    expect(dependsOnClock(flagWith({ name: 'default', constraints: [before] }))).toBe(true);
  });

  it('is true for a date constraint in a segment a strategy uses, false for an unused one', () => {
    const segment = { id: 7, constraints: [dateAfter] } as unknown as Segment;
    expect(dependsOnClock(flagWith({ name: 'default', segments: [7] }), [segment])).toBe(true);
    expect(dependsOnClock(flagWith({ name: 'default', segments: [] }), [segment])).toBe(false);
  });

  it('is true for a strategy it does not know, such as a custom time window', () => {
    expect(dependsOnClock(flagWith({ name: 'time-window', parameters: {} }))).toBe(true);
  });

  it('reads malformed payloads without throwing', () => {
    expect(dependsOnClock(flagWith({ name: 'default', constraints: 'nope' }))).toBe(false);
    const broken = { name: 'f', enabled: true, strategies: null } as unknown as FeatureInterface;
    expect(dependsOnClock(broken)).toBe(false);
  });
});
