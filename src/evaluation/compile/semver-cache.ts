import { parseSdkSemver, type SemVer } from '../../unleash/engine.js';

/**
 * Parsed context versions. A request's version field (say `appVersion`) repeats across the flags
 * of one request and across requests, so parsing once per distinct string saves most of the
 * work. Bounded: cleared when full.
 */
const MAX_ENTRIES = 1024;
const cache = new Map<string, SemVer | null>();

/** The version as unleash-client accepts it (`semver.valid` and no leading `v`), else null. */
export function parseContextVersion(value: string): SemVer | null {
  let parsed = cache.get(value);
  if (parsed === undefined) {
    parsed = parseSdkSemver(value);
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(value, parsed);
  }
  return parsed;
}
