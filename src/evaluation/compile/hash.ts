import { normalizedStrategyValue, normalizedVariantValue } from '../../unleash/engine.js';

/**
 * unleash-client's `normalizedStrategyValue` / `normalizedVariantValue`:
 * `(murmurhash3js.x86.hash32(`${groupId}:${id}`, seed) % normalizer) + 1`, computed faster.
 * murmurhash3js hashes `charCodeAt(i) & 0xff` per character with 16-bit multiplications and costs
 * ~450 ns per call, the largest cost of a request. Here the same MurmurHash3 x86_32 uses
 * Math.imul, and the `${groupId}:` prefix, fixed per strategy or feature, is hashed once at
 * compile time: a request hashes only its id. The result is bit-identical; a self-check against
 * the SDK's own functions at load time (and a unit test over many strings) guards it, and if the
 * check ever failed the SDK's functions would be used instead.
 */
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
export const STRATEGY_SEED = 0;
export const VARIANT_SEED = 86028157;

function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function mixH(h: number, k: number): number {
  h ^= mixK(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** Hashes `${groupId}:${id}` for a fixed groupId and seed. */
export class PrefixedHash {
  /** State after the prefix's whole 4-byte blocks. */
  private readonly h: number;
  /** The prefix's last (length % 4) bytes, little-endian, and how many. */
  private readonly tail: number;
  private readonly tailLength: number;
  private readonly prefixLength: number;
  private readonly fallback: ((id: string, normalizer: number) => number) | undefined;

  constructor(groupId: string, seed: number) {
    const prefix = `${groupId}:`;
    let h = seed | 0;
    const blocks = prefix.length - (prefix.length % 4);
    for (let i = 0; i < blocks; i += 4) {
      h = mixH(
        h,
        (prefix.charCodeAt(i) & 0xff) |
          ((prefix.charCodeAt(i + 1) & 0xff) << 8) |
          ((prefix.charCodeAt(i + 2) & 0xff) << 16) |
          ((prefix.charCodeAt(i + 3) & 0xff) << 24),
      );
    }
    let tail = 0;
    for (let i = blocks; i < prefix.length; i++) {
      tail |= (prefix.charCodeAt(i) & 0xff) << ((i - blocks) << 3);
    }
    this.h = h;
    this.tail = tail;
    this.tailLength = prefix.length - blocks;
    this.prefixLength = prefix.length;
    this.fallback = verified ? undefined : sdkFunction(groupId, seed);
  }

  /** murmurhash3js.x86.hash32(`${groupId}:${id}`, seed). */
  hash(id: string): number {
    let h = this.h;
    let k = this.tail;
    let n = this.tailLength;
    const length = id.length;
    for (let i = 0; i < length; i++) {
      k |= (id.charCodeAt(i) & 0xff) << (n << 3);
      if (++n === 4) {
        h = mixH(h, k);
        k = 0;
        n = 0;
      }
    }
    if (n > 0) h ^= mixK(k);
    h ^= this.prefixLength + length;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
  }

  /** `(hash % normalizer) + 1`, the SDK's normalised value. */
  normalized(id: string, normalizer: number): number {
    if (this.fallback !== undefined) return this.fallback(id, normalizer);
    return (this.hash(id) % normalizer) + 1;
  }
}

function sdkFunction(groupId: string, seed: number) {
  return seed === STRATEGY_SEED
    ? (id: string, _normalizer: number) => normalizedStrategyValue(id, groupId)
    : (id: string, normalizer: number) => normalizedVariantValue(id, groupId, normalizer);
}

/** Compares with the SDK over prefixes and ids of every length modulo 4, and non-ASCII text. */
export function agreesWithSdk(groupIds: readonly string[], ids: readonly string[]): boolean {
  for (const groupId of groupIds) {
    const strategy = new PrefixedHash(groupId, STRATEGY_SEED);
    const variant = new PrefixedHash(groupId, VARIANT_SEED);
    for (const id of ids) {
      if ((strategy.hash(id) % 100) + 1 !== normalizedStrategyValue(id, groupId)) return false;
      for (const normalizer of [1, 7, 100, 1000, 1001]) {
        if (
          (variant.hash(id) % normalizer) + 1 !==
          normalizedVariantValue(id, groupId, normalizer)
        ) {
          return false;
        }
      }
    }
  }
  return true;
}

const SAMPLES = [
  '',
  'a',
  'ab',
  'abc',
  'abcd',
  'user-123',
  'Hellø Wørld ✓',
  '2001:db8::1',
  'x'.repeat(37),
];
let verified = true;
verified = agreesWithSdk(SAMPLES, SAMPLES);
