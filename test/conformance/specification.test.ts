import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileEvaluator } from '../../src/evaluation/compile/index.js';
import type { EvaluationContext, Evaluator } from '../../src/evaluation/types.js';
import { createReferenceEvaluator } from '../../src/unleash/reference-evaluator.js';
import { createSnapshot } from '../../src/unleash/snapshot.js';
import type { FeatureInterface, Segment } from '../../src/unleash/types.js';

/**
 * The Unleash client specification (@unleash/client-specification, pinned), every `tests` and
 * `variantTests` case run through both the reference evaluator (unleash-client's engine) and the
 * compiled one, each case its own test.
 */
const require = createRequire(import.meta.url);
const specDir = dirname(require.resolve('@unleash/client-specification/specifications/index.json'));
const specFiles = JSON.parse(readFileSync(join(specDir, 'index.json'), 'utf8')) as string[];

type SpecContext = Record<string, unknown> & { properties?: Record<string, unknown> };

interface SpecState {
  features?: FeatureInterface[];
  segments?: Segment[];
  events?: DeltaEvent[];
}

type DeltaEvent =
  | { type: 'hydration'; features: FeatureInterface[]; segments: Segment[] }
  | { type: 'feature-updated'; feature: FeatureInterface }
  | { type: 'feature-removed'; featureName: string }
  | { type: 'segment-updated'; segment: Segment }
  | { type: 'segment-removed'; segmentId: number };

interface SpecFile {
  name: string;
  state: SpecState;
  tests?: {
    description: string;
    context: SpecContext;
    toggleName: string;
    expectedResult: boolean;
  }[];
  variantTests?: {
    description: string;
    context: SpecContext;
    toggleName: string;
    expectedResult: Record<string, unknown>;
  }[];
}

/** The flags a spec state describes: a client-features response, or delta events applied in order. */
function flagsOf(state: SpecState): { features: FeatureInterface[]; segments: Segment[] } {
  if (!state.events) return { features: state.features ?? [], segments: state.segments ?? [] };
  const features = new Map<string, FeatureInterface>();
  const segments = new Map<number, Segment>();
  for (const event of state.events) {
    switch (event.type) {
      case 'hydration':
        features.clear();
        segments.clear();
        for (const feature of event.features) features.set(feature.name, feature);
        for (const segment of event.segments) segments.set(segment.id, segment);
        break;
      case 'feature-updated':
        features.set(event.feature.name, event.feature);
        break;
      case 'feature-removed':
        features.delete(event.featureName);
        break;
      case 'segment-updated':
        segments.set(event.segment.id, event.segment);
        break;
      case 'segment-removed':
        segments.delete(event.segmentId);
        break;
    }
  }
  return { features: [...features.values()], segments: [...segments.values()] };
}

const STANDARD = ['userId', 'sessionId', 'remoteAddress', 'environment', 'appName'] as const;

/**
 * A spec context as the proxy would receive it. Like the SDK's `resolveContextValue`
 * (`context[field] ?? context.properties[field]`), a custom field at top level is looked up
 * too, before `properties`: it is moved into `properties`, where it takes precedence.
 */
function toEvaluationContext(spec: SpecContext): EvaluationContext {
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec.properties ?? {})) {
    properties[key] = value as string;
  }
  const context: EvaluationContext = { properties };
  for (const [key, value] of Object.entries(spec)) {
    if (key === 'properties') continue;
    if ((STANDARD as readonly string[]).includes(key)) {
      if (value !== undefined && value !== null) {
        context[key as (typeof STANDARD)[number]] = value as string;
      }
    } else if (key === 'currentTime') {
      if (value !== undefined && value !== null) context.currentTime = new Date(value as string);
    } else if (value !== undefined && value !== null) {
      properties[key] = value as string;
    }
  }
  return context;
}

function evaluatorsFor(file: SpecFile): [string, Evaluator][] {
  const { features, segments } = flagsOf(file.state);
  const snapshot = createSnapshot(1, features, segments);
  return [
    ['reference', createReferenceEvaluator(snapshot)],
    ['compiled', compileEvaluator(snapshot, { customStrategies: [] })],
  ];
}

for (const fileName of specFiles) {
  const file = JSON.parse(readFileSync(join(specDir, fileName), 'utf8')) as SpecFile;
  describe(fileName, () => {
    for (const [engine, evaluator] of evaluatorsFor(file)) {
      describe(engine, () => {
        for (const test of file.tests ?? []) {
          it(`${test.toggleName}: ${test.description}`, () => {
            const [result] = evaluator.evaluate(toEvaluationContext(test.context), [
              test.toggleName,
            ]);
            expect(result?.enabled).toBe(test.expectedResult);
          });
        }
        for (const test of file.variantTests ?? []) {
          it(`variant ${test.toggleName}: ${test.description}`, () => {
            const [result] = evaluator.evaluate(toEvaluationContext(test.context), [
              test.toggleName,
            ]);
            const variant = result?.variant as unknown as Record<string, unknown>;
            const actual: Record<string, unknown> = {
              name: variant.name,
              enabled: variant.enabled,
            };
            for (const key of Object.keys(test.expectedResult)) actual[key] = variant[key];
            expect(actual).toEqual(test.expectedResult);
          });
        }
      });
    }
  });
}
