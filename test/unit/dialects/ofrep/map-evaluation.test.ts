import { describe, expect, it } from 'vitest';
import { shapeOf } from '../../../../src/dialects/ofrep/flag-shapes.js';
import { toOfrepEvaluation } from '../../../../src/dialects/ofrep/map-evaluation.js';
import type { EvaluatedToggle } from '../../../../src/evaluation/types.js';
import type { FeatureInterface } from '../../../../src/unleash/types.js';

function feature(overrides: Partial<FeatureInterface> = {}): FeatureInterface {
  return { name: 'f', enabled: true, strategies: [], ...overrides } as FeatureInterface;
}

function variant(name: string, type: string, value: string) {
  return { name, weight: 500, payload: { type, value } } as NonNullable<
    FeatureInterface['variants']
  >[number];
}

function toggle(
  enabled: boolean,
  variantName = 'disabled',
  payload?: { type: string; value: string },
): EvaluatedToggle {
  const variantEnabled = variantName !== 'disabled';
  return {
    name: 'f',
    enabled,
    impressionData: false,
    variant: {
      name: variantName,
      enabled: variantEnabled,
      ...(payload ? { payload } : {}),
      feature_enabled: enabled,
      featureEnabled: enabled,
    },
  };
}

const plain = { alwaysSendValue: false };

describe('OFREP flag type, decided by the flag definition', () => {
  it.each([
    [[], 'boolean'],
    [[variant('a', 'string', 'x'), variant('b', 'csv', 'y,z')], 'string'],
    [[variant('a', 'number', '1')], 'number'],
    [[variant('a', 'json', '{}')], 'object'],
    [[variant('a', 'json', '{}'), variant('b', 'number', '2')], 'string'],
  ])('variants %j give %s', (variants, type) => {
    expect(shapeOf(feature({ variants })).type).toBe(type);
  });

  it('looks at strategy variants too, and keeps variants without payload boolean', () => {
    const strategies = [
      { name: 'default', parameters: {}, constraints: [], variants: [variant('a', 'number', '3')] },
    ] as unknown as NonNullable<FeatureInterface['strategies']>;
    expect(shapeOf(feature({ strategies })).type).toBe('number');
    expect(
      shapeOf(
        feature({
          variants: [{ name: 'a', weight: 1000 }] as NonNullable<FeatureInterface['variants']>,
        }),
      ).type,
    ).toBe('boolean');
  });
});

describe('toOfrepEvaluation', () => {
  it('gives a boolean flag its enabled state and the four reasons', () => {
    const shape = shapeOf(feature());
    expect(toOfrepEvaluation(shape, toggle(true), plain)).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
    });
    expect(toOfrepEvaluation(shape, toggle(false), plain)).toMatchObject({
      value: false,
      reason: 'DEFAULT',
    });
    expect(
      toOfrepEvaluation(shapeOf(feature({ enabled: false })), toggle(false), plain),
    ).toMatchObject({
      value: false,
      reason: 'DISABLED',
    });
    expect(toOfrepEvaluation(shape, toggle(true, 'blue'), plain)).toMatchObject({
      value: true,
      reason: 'SPLIT',
      variant: 'blue',
    });
  });

  it('reads payloads as the flag type, leaves a missing one to the code default', () => {
    const shape = shapeOf(feature({ variants: [variant('a', 'json', '[1,2]')] }));
    expect(
      toOfrepEvaluation(shape, toggle(true, 'a', { type: 'json', value: '[1,2]' }), plain),
    ).toMatchObject({
      value: [1, 2],
    });
    const off = toOfrepEvaluation(shape, toggle(false), plain);
    expect(off).not.toHaveProperty('value');
    expect(toOfrepEvaluation(shape, toggle(false), { alwaysSendValue: true })).toMatchObject({
      value: {},
    });
  });

  it('sends the empty value of each type with alwaysSendValue', () => {
    for (const [type, empty] of [
      ['string', ''],
      ['number', 0],
    ] as const) {
      const shape = shapeOf(feature({ variants: [variant('a', type, '1')] }));
      expect(toOfrepEvaluation(shape, toggle(true), { alwaysSendValue: true })).toMatchObject({
        value: empty,
      });
    }
  });

  it('reports a payload that does not read as the type as PARSE_ERROR', () => {
    const numbers = shapeOf(feature({ variants: [variant('a', 'number', 'x')] }));
    expect(
      toOfrepEvaluation(numbers, toggle(true, 'a', { type: 'number', value: 'x' }), plain),
    ).toMatchObject({
      key: 'f',
      errorCode: 'PARSE_ERROR',
    });
    const objects = shapeOf(feature({ variants: [variant('a', 'json', '3')] }));
    expect(
      toOfrepEvaluation(objects, toggle(true, 'a', { type: 'json', value: '3' }), plain),
    ).toMatchObject({
      errorCode: 'PARSE_ERROR',
    });
  });

  it('gives the raw text when payload types are mixed', () => {
    const shape = shapeOf(
      feature({ variants: [variant('a', 'json', '{}'), variant('b', 'number', '2')] }),
    );
    expect(
      toOfrepEvaluation(shape, toggle(true, 'b', { type: 'number', value: '2' }), plain),
    ).toMatchObject({
      value: '2',
    });
    expect(shape.payloadType).toBeUndefined();
  });
});
