import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../src/errors.js';
import { MAX_COUNT_PER_REQUEST, parseUsageReport } from '../../../src/metrics/usage-payload.js';

const report = (toggles: unknown, extra: Record<string, unknown> = {}) => ({
  appName: 'web',
  instanceId: 'browser',
  bucket: { start: '2024-01-01T00:00:00.000Z', stop: '2024-01-01T00:00:30.000Z', toggles },
  ...extra,
});

describe('parseUsageReport', () => {
  it('reads the counts and ignores extra keys', () => {
    const parsed = parseUsageReport(
      report(
        { a: { yes: 1, no: 2, variants: { blue: 3 } }, b: { yes: MAX_COUNT_PER_REQUEST, no: 0 } },
        { impactMetrics: [{ name: 'x' }], environment: 'production' },
      ),
    );
    expect(parsed.toggles).toEqual([
      { name: 'a', yes: 1, no: 2, variants: [['blue', 3]] },
      { name: 'b', yes: MAX_COUNT_PER_REQUEST, no: 0, variants: [] },
    ]);
  });

  it.each([
    ['over the cap', { a: { yes: MAX_COUNT_PER_REQUEST + 1, no: 0 } }],
    ['1e12', { a: { yes: 1e12, no: 0 } }],
    ['negative', { a: { yes: 0, no: -1 } }],
    ['fractional', { a: { yes: 0.5, no: 0 } }],
    ['infinite', { a: { yes: Number.POSITIVE_INFINITY, no: 0 } }],
    ['NaN', { a: { yes: Number.NaN, no: 0 } }],
    ['a string', { a: { yes: '1', no: 0 } }],
    ['a bad variant count', { a: { yes: 1, no: 0, variants: { blue: -2 } } }],
    ['not an object', { a: 5 }],
  ])('refuses a count that is %s', (_name, toggles) => {
    expect(() => parseUsageReport(report(toggles))).toThrow(BadRequestError);
  });

  it('refuses a report without appName or bucket', () => {
    expect(() => parseUsageReport({ bucket: { toggles: {} } })).toThrow(BadRequestError);
    expect(() => parseUsageReport({ appName: 'web' })).toThrow(BadRequestError);
    expect(() => parseUsageReport(report({}, { bucket: { toggles: {}, start: 'soon' } }))).toThrow(
      BadRequestError,
    );
  });
});
