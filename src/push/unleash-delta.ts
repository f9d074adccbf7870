import { isDeepStrictEqual } from 'node:util';
import type { FlagSnapshot } from '../unleash/snapshot.js';
import type { FeatureInterface, Segment } from '../unleash/types.js';

// The events of Unleash's streaming client API, as unleash-client 6.x applies them
// (`unleash-connected` and `unleash-updated` carry `{ events: [...] }`).
export type DeltaEvent =
  | {
      type: 'hydration';
      eventId: number;
      features: readonly FeatureInterface[];
      segments: readonly Segment[];
    }
  | { type: 'feature-updated'; eventId: number; feature: FeatureInterface }
  | { type: 'feature-removed'; eventId: number; featureName: string; project: string }
  | { type: 'segment-updated'; eventId: number; segment: Segment }
  | { type: 'segment-removed'; eventId: number; segmentId: number };

export function hydrationEvent(snapshot: FlagSnapshot, eventId: number): DeltaEvent {
  return { type: 'hydration', eventId, features: snapshot.features, segments: snapshot.segments };
}

/**
 * What changed from one flag set to the next, as delta events: features and segments added or
 * changed (compared by content), then removed ones. Computed once per flag update.
 */
export function diffFlagSets(
  previous: FlagSnapshot,
  current: FlagSnapshot,
  eventId: number,
): DeltaEvent[] {
  const events: DeltaEvent[] = [];
  const before = new Map(previous.features.map((feature) => [feature.name, feature]));
  const after = new Set<string>();
  for (const feature of current.features) {
    after.add(feature.name);
    const old = before.get(feature.name);
    if (old === undefined || !isDeepStrictEqual(old, feature)) {
      events.push({ type: 'feature-updated', eventId, feature });
    }
  }
  for (const feature of previous.features) {
    if (!after.has(feature.name)) {
      events.push({
        type: 'feature-removed',
        eventId,
        featureName: feature.name,
        project: feature.project ?? 'default',
      });
    }
  }
  const segmentsBefore = new Map(previous.segments.map((segment) => [segment.id, segment]));
  const segmentsAfter = new Set<number>();
  for (const segment of current.segments) {
    segmentsAfter.add(segment.id);
    const old = segmentsBefore.get(segment.id);
    if (old === undefined || !isDeepStrictEqual(old, segment)) {
      events.push({ type: 'segment-updated', eventId, segment });
    }
  }
  for (const segment of previous.segments) {
    if (!segmentsAfter.has(segment.id)) {
      events.push({ type: 'segment-removed', eventId, segmentId: segment.id });
    }
  }
  return events;
}
