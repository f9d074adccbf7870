import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileEvaluator } from '../../../src/evaluation/compile/index.js';
import type { EvaluationContext } from '../../../src/evaluation/types.js';
import { createReferenceEvaluator } from '../../../src/unleash/reference-evaluator.js';
import { createSnapshot } from '../../../src/unleash/snapshot.js';
import { randomContexts } from '../../fixtures/contexts.js';
import { buildWorkload } from '../../fixtures/workload.js';

/**
 * Compiled vs reference (unleash-client's own engine) over thousands of random contexts.
 *
 * Randomness: the compiled evaluator draws once per request, the SDK once per use. To compare
 * exactly, Math.random is pinned to one value per context, which makes both engines see the same
 * draw: every flag with random stickiness (or default stickiness without ids), gradual random
 * rollout or a random variant seed is then compared too, not skipped.
 */
afterEach(() => {
  vi.restoreAllMocks();
});

function compare(flagCount: number, contextCount: number, seed: number) {
  const workload = buildWorkload(flagCount, seed);
  const snapshot = createSnapshot(1, workload.features, workload.segments);
  const reference = createReferenceEvaluator(snapshot);
  const compiled = compileEvaluator(snapshot, { customStrategies: [] });
  expect(compiled.fallbackFlags).toEqual([]);
  const contexts = randomContexts(contextCount, seed + 1);
  const random = vi.spyOn(Math, 'random');
  let mismatches = 0;
  contexts.forEach((context: EvaluationContext, i) => {
    random.mockReturnValue(((i * 7919) % 10_000) / 10_000);
    const expected = reference.evaluate(context);
    const actual = compiled.evaluate(context);
    if (mismatches < 5) {
      for (let f = 0; f < expected.length; f++) {
        if (JSON.stringify(actual[f]) !== JSON.stringify(expected[f])) {
          mismatches++;
          expect({ context, flag: workload.features[f], actual: actual[f] }).toEqual({
            context,
            flag: workload.features[f],
            actual: expected[f],
          });
        }
      }
    }
  });
  return workload;
}

describe('compiled evaluator equals the reference evaluator', () => {
  it('on 20 flags over 5000 contexts', () => {
    compare(20, 5000, 1);
  });

  it('on 200 flags over 2000 contexts', () => {
    compare(200, 2000, 2);
  });

  it('on 200 flags of another seed over 2000 contexts', () => {
    compare(200, 2000, 3);
  });

  it('with names: the requested flags in order, unknown ones disabled, duplicates alike', () => {
    const workload = buildWorkload(50, 4);
    const snapshot = createSnapshot(1, workload.features, workload.segments);
    const reference = createReferenceEvaluator(snapshot);
    const compiled = compileEvaluator(snapshot, { customStrategies: [] });
    const names = [
      workload.features[7]?.name ?? '',
      'no-such-flag',
      workload.features[3]?.name ?? '',
      workload.features[7]?.name ?? '',
    ];
    for (const context of randomContexts(200, 5)) {
      vi.spyOn(Math, 'random').mockReturnValue(0.37);
      expect(compiled.evaluate(context, names)).toEqual(reference.evaluate(context, names));
    }
  });

  it('evaluateMany: every context of a batch gets what evaluate gives it alone', () => {
    // Flag by flag across the batch, each request with its own memo of evaluated flags (and
    // parents): batches of different sizes, one after another, must not mix their requests.
    const workload = buildWorkload(200, 6);
    const snapshot = createSnapshot(1, workload.features, workload.segments);
    const compiled = compileEvaluator(snapshot, { customStrategies: [] });
    const contexts = randomContexts(600, 7);
    vi.spyOn(Math, 'random').mockReturnValue(0.61);
    const alone = contexts.map((context) => compiled.evaluate(context));
    let from = 0;
    for (const size of [1, 50, 7, 200, 2, 340]) {
      const batch = contexts.slice(from, from + size);
      expect(compiled.evaluateMany(batch)).toEqual(alone.slice(from, from + size));
      from += size;
    }
    expect(from).toBe(contexts.length);
    // A batch's answers differ between its requests: the memo is per request.
    expect(new Set(alone.map((toggles) => JSON.stringify(toggles))).size).toBeGreaterThan(500);
  });
});
