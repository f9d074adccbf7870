import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileEvaluator } from '../../../src/evaluation/compile/index.js';
import type { EvaluationContext } from '../../../src/evaluation/types.js';
import { createReferenceEvaluator } from '../../../src/unleash/reference-evaluator.js';
import { createSnapshot } from '../../../src/unleash/snapshot.js';
import { type FeatureInterface, type Segment, Strategy } from '../../../src/unleash/types.js';

afterEach(() => {
  vi.restoreAllMocks();
});

class BetaStrategy extends Strategy {
  constructor() {
    super('beta');
  }

  override isEnabled(
    parameters: { tier?: string },
    context: { properties?: Record<string, string> },
  ) {
    return context.properties?.tier === parameters.tier;
  }
}

const flag = (name: string, extra: Partial<FeatureInterface>): FeatureInterface => ({
  name,
  enabled: true,
  strategies: [{ name: 'default', parameters: {}, constraints: [] }],
  ...extra,
});

const features: FeatureInterface[] = [
  flag('custom', {
    strategies: [{ name: 'beta', parameters: { tier: 'gold' }, constraints: [] }],
    variants: [
      {
        name: 'a',
        weight: 1000,
        stickiness: 'default',
        payload: { type: 'string' as never, value: 'x' },
      },
    ],
  }),
  flag('child-of-custom', { dependencies: [{ feature: 'custom' }] }),
  flag('child-of-custom-variant', { dependencies: [{ feature: 'custom', variants: ['a'] }] }),
  flag('child-of-custom-disabled', { dependencies: [{ feature: 'custom', enabled: false }] }),
  flag('unknown-strategy', {
    strategies: [{ name: 'nobody-knows', parameters: {}, constraints: [] }],
  }),
  flag('unknown-operator', {
    strategies: [
      {
        name: 'default',
        parameters: {},
        constraints: [
          { contextName: 'x', operator: 'STR_FUZZY' as never, values: ['a'], inverted: true },
        ],
      },
    ],
  }),
  flag('missing-segment', {
    strategies: [{ name: 'default', parameters: {}, constraints: [], segments: [99] }],
  }),
  flag('grandchild', { dependencies: [{ feature: 'child-of-custom' }] }),
  flag('missing-parent', { dependencies: [{ feature: 'nope' }] }),
  flag('cidr', {
    strategies: [
      {
        name: 'default',
        parameters: {},
        constraints: [
          {
            contextName: 'remoteAddress',
            operator: 'IN_CIDR' as never,
            values: ['10.0.0.0/8', ' 2001:db8::/32 ', '::ffff:0:0/96', 'bogus', ''],
            inverted: false,
          },
        ],
      },
    ],
  }),
  flag('semver', {
    strategies: [
      {
        name: 'default',
        parameters: {},
        constraints: [
          {
            contextName: 'v',
            operator: 'SEMVER_GTE' as never,
            values: [],
            value: '2.0.0-beta.2',
            inverted: false,
          },
        ],
      },
    ],
  }),
  flag('regex', {
    strategies: [
      {
        name: 'default',
        parameters: {},
        constraints: [
          {
            contextName: 'email',
            operator: 'REGEX' as never,
            values: [],
            value: '^[a-z]+@EXAMPLE\\.com$',
            inverted: false,
            caseInsensitive: true,
          },
        ],
      },
    ],
  }),
];
const segments: Segment[] = [];

const contexts: EvaluationContext[] = [
  { properties: {} },
  { userId: 'u1', properties: { tier: 'gold' } },
  { userId: 'u1', properties: { tier: 'silver' } },
  ...[
    '10.2.3.4',
    '11.0.0.1',
    '2001:db8::1',
    '::ffff:10.0.0.1',
    '::ffff:0a00:0001',
    '10.0.0.1/4',
    'bogus',
  ].map((remoteAddress) => ({ remoteAddress, properties: {} })),
  ...[
    '2.0.0-beta.1',
    '2.0.0-beta.2',
    '2.0.0-beta.10',
    '2.0.0',
    '1.9.9',
    'v2.0.0',
    ' 2.0.0 ',
    '2.0',
  ].map((v) => ({ properties: { v } })),
  ...['bob@example.com', 'BOB@Example.COM', 'bob1@example.com'].map((email) => ({
    properties: { email },
  })),
];

describe('compiled evaluator fallback and edge cases', () => {
  const snapshot = createSnapshot(1, features, segments);
  const customStrategies = [new BetaStrategy()];
  const compiled = compileEvaluator(snapshot, { customStrategies });
  const reference = createReferenceEvaluator(snapshot, customStrategies);

  it('hands exactly the flags it does not know to the reference evaluator', () => {
    expect([...compiled.fallbackFlags].sort()).toEqual(
      ['custom', 'unknown-operator', 'unknown-strategy'].sort(),
    );
  });

  it.each(contexts.map((context) => [JSON.stringify(context), context] as const))(
    'matches the reference for %s',
    (_label, context) => {
      vi.spyOn(Math, 'random').mockReturnValue(0.5);
      expect(compiled.evaluate(context)).toEqual(reference.evaluate(context));
    },
  );

  it('evaluates a batch as it evaluates each request, fallback flags included', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    expect(compiled.evaluateMany(contexts)).toEqual(contexts.map((c) => reference.evaluate(c)));
  });

  it('returns results that are safe to share between requests', () => {
    const [first] = compiled.evaluate({ properties: {} }, ['missing-segment']);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first?.variant)).toBe(true);
  });
});
