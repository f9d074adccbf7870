import { describe, expect, it } from 'vitest';
import {
  agreesWithSdk,
  PrefixedHash,
  STRATEGY_SEED,
  VARIANT_SEED,
} from '../../../src/evaluation/compile/hash.js';
import { normalizedStrategyValue, normalizedVariantValue } from '../../../src/unleash/engine.js';
import { Rng } from '../../fixtures/random.js';

const ALPHABET = 'abcXYZ019-_.:@/ øæ✓€漢\u{1F600}';

function randomString(rng: Rng, maxLength: number): string {
  const chars = [...ALPHABET];
  let result = '';
  const length = rng.int(0, maxLength);
  for (let i = 0; i < length; i++) result += rng.pick(chars);
  return result;
}

describe('PrefixedHash equals unleash-client normalisation', () => {
  it('on fixed samples', () => {
    expect(agreesWithSdk(['', 'a', 'feature.x', 'ab:cd'], ['', '1', 'user-123', '漢字'])).toBe(
      true,
    );
  });

  it('on 20 000 random group ids, ids and normalizers', () => {
    const rng = new Rng(11);
    for (let i = 0; i < 20_000; i++) {
      const groupId = randomString(rng, 24);
      const id = randomString(rng, 40);
      const normalizer = rng.pick([1, 2, 3, 100, 1000, 997, 10_000]);
      expect(new PrefixedHash(groupId, STRATEGY_SEED).normalized(id, 100)).toBe(
        normalizedStrategyValue(id, groupId),
      );
      expect(new PrefixedHash(groupId, VARIANT_SEED).normalized(id, normalizer)).toBe(
        normalizedVariantValue(id, groupId, normalizer),
      );
    }
  });
});
