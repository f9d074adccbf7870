import { createHash } from 'node:crypto';
import type { FeatureInterface, Segment } from './types.js';

/**
 * One immutable view of the flags as last received from Unleash (or a backup or bootstrap).
 * `revision` grows by one on every change in this process; `fingerprint` is a digest of the
 * content, so it identifies the same flags across restarts and instances (ETags use it).
 */
export interface FlagSnapshot {
  readonly revision: number;
  readonly fingerprint: string;
  readonly features: readonly FeatureInterface[];
  readonly segments: readonly Segment[];
  readonly updatedAt: Date;
}

export function createSnapshot(
  revision: number,
  features: readonly FeatureInterface[],
  segments: readonly Segment[] = [],
): FlagSnapshot {
  const fingerprint = createHash('sha1')
    .update(JSON.stringify([features, segments]))
    .digest('base64url')
    .slice(0, 16);
  return Object.freeze({
    revision,
    fingerprint,
    features: Object.freeze([...features]),
    segments: Object.freeze([...segments]),
    updatedAt: new Date(),
  });
}
