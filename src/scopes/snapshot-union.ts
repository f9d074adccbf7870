import { createSnapshot, type FlagSnapshot } from '../unleash/snapshot.js';
import type { FeatureInterface, Segment } from '../unleash/types.js';

/** The flags of several scopes of one environment: each flag once, the first scope's copy. */
export function union(snapshots: readonly FlagSnapshot[]): FlagSnapshot {
  if (snapshots.length === 1 && snapshots[0] !== undefined) return snapshots[0];
  const features = new Map<string, FeatureInterface>();
  const segments = new Map<number, Segment>();
  let revision = 0;
  for (const snapshot of snapshots) {
    revision += snapshot.revision;
    for (const feature of snapshot.features) {
      if (!features.has(feature.name)) features.set(feature.name, feature);
    }
    for (const segment of snapshot.segments) {
      if (!segments.has(segment.id)) segments.set(segment.id, segment);
    }
  }
  return createSnapshot(revision, [...features.values()], [...segments.values()]);
}
