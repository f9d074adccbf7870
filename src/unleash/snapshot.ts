import type { FeatureInterface, Segment } from './types.js';

/**
 * One immutable view of the flags as last received from Unleash (or a backup or bootstrap).
 * `revision` grows by one on every change, so it can key caches and ETags.
 */
export interface FlagSnapshot {
  readonly revision: number;
  readonly features: readonly FeatureInterface[];
  readonly segments: readonly Segment[];
  readonly updatedAt: Date;
}

export function createSnapshot(
  revision: number,
  features: readonly FeatureInterface[],
  segments: readonly Segment[] = [],
): FlagSnapshot {
  return Object.freeze({
    revision,
    features: Object.freeze([...features]),
    segments: Object.freeze([...segments]),
    updatedAt: new Date(),
  });
}
