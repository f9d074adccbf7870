import { describe, expect, it } from 'vitest';
import { UsageAggregator } from '../../../src/metrics/usage-aggregator.js';

const usage = (name: string, yes: number, no = 0, variants: [string, number][] = []) => ({
  name,
  yes,
  no,
  variants,
});

describe('UsageAggregator', () => {
  it('adds big counts in one step and hands them out once', () => {
    const aggregator = new UsageAggregator();
    aggregator.add([usage('a', 1_000_000_000, 5, [['blue', 999_999_999]])]);
    aggregator.add([usage('a', 1_000_000_000, 0, [['blue', 1]])]);
    expect(aggregator.pendingEvaluations()).toBe(2_000_000_005);
    const bucket = aggregator.take();
    expect(bucket?.toggles.a).toEqual({
      yes: 2_000_000_000,
      no: 5,
      variants: { blue: 1_000_000_000 },
    });
    expect(aggregator.take()).toBeUndefined();
    expect(aggregator.pendingEvaluations()).toBe(0);
  });

  it('merges a failed upload back with newer counts, keeping the earlier start', () => {
    const aggregator = new UsageAggregator();
    aggregator.add([usage('a', 2)]);
    const failed = aggregator.take(Number.POSITIVE_INFINITY, new Date());
    aggregator.add([usage('a', 3), usage('b', 0, 1)]);
    if (failed === undefined) throw new Error('expected a bucket');
    aggregator.restore(failed);
    const next = aggregator.take();
    expect(next?.toggles).toEqual({
      a: { yes: 5, no: 0, variants: {} },
      b: { yes: 0, no: 1, variants: {} },
    });
    expect(next?.start.getTime()).toBe(failed.start.getTime());
    expect(next?.evaluations).toBe(6);
  });

  it('hands out at most the asked number of flags per upload', () => {
    const aggregator = new UsageAggregator();
    aggregator.add([usage('a', 1), usage('b', 2), usage('c', 3)]);
    expect(Object.keys(aggregator.take(2)?.toggles ?? {})).toEqual(['a', 'b']);
    expect(aggregator.pendingEvaluations()).toBe(3);
    expect(Object.keys(aggregator.take(2)?.toggles ?? {})).toEqual(['c']);
    expect(aggregator.take(2)).toBeUndefined();
  });

  it('drops counts for new names past the bound, and keeps counting known ones', () => {
    const aggregator = new UsageAggregator(2);
    expect(aggregator.add([usage('a', 1), usage('b', 1)])).toEqual({ accepted: 2, dropped: 0 });
    expect(aggregator.add([usage('c', 4), usage('a', 1)])).toEqual({ accepted: 1, dropped: 4 });
    expect(aggregator.take()?.toggles).toEqual({
      a: { yes: 2, no: 0, variants: {} },
      b: { yes: 1, no: 0, variants: {} },
    });
  });

  it('keeps a flag named __proto__ as a plain name', () => {
    const aggregator = new UsageAggregator();
    aggregator.add([usage('__proto__', 1)]);
    const bucket = aggregator.take();
    expect(JSON.stringify(bucket?.toggles)).toBe('{"__proto__":{"yes":1,"no":0,"variants":{}}}');
  });
});
