import { describe, expect, it } from 'vitest';
import { diffFlagSets } from '../../../src/push/unleash-delta.js';
import { createSnapshot } from '../../../src/unleash/snapshot.js';
import type { FeatureInterface, Segment } from '../../../src/unleash/types.js';

const a = { name: 'a', enabled: true, strategies: [] } as FeatureInterface;
const b = { name: 'b', enabled: true, project: 'web', strategies: [] } as FeatureInterface;
const segment = { id: 1, constraints: [] } as Segment;

describe('diffFlagSets', () => {
  it('lists added and changed features and segments, then removed ones', () => {
    const before = createSnapshot(1, [a, b], [segment]);
    const after = createSnapshot(
      2,
      [{ ...a, enabled: false }],
      [{ id: 2, constraints: [] } as Segment],
    );
    expect(diffFlagSets(before, after, 7)).toEqual([
      { type: 'feature-updated', eventId: 7, feature: { ...a, enabled: false } },
      { type: 'feature-removed', eventId: 7, featureName: 'b', project: 'web' },
      { type: 'segment-updated', eventId: 7, segment: { id: 2, constraints: [] } },
      { type: 'segment-removed', eventId: 7, segmentId: 1 },
    ]);
  });

  it('is empty for equal content', () => {
    expect(diffFlagSets(createSnapshot(1, [a]), createSnapshot(2, [{ ...a }]), 1)).toEqual([]);
  });
});
