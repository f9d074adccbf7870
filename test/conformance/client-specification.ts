import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FakeUnleashState } from '../helpers/fake-unleash.js';

/** A context as the specification writes it: any JSON, usually strings. */
export type SpecContext = Record<string, unknown>;

export interface SpecVariant {
  name: string;
  enabled: boolean;
  feature_enabled?: boolean;
  payload?: { type: string; value: string };
}

export interface SpecToggleCase {
  description: string;
  context: SpecContext;
  toggleName: string;
  expectedResult: boolean;
}

export interface SpecVariantCase {
  description: string;
  context: SpecContext;
  toggleName: string;
  expectedResult: SpecVariant;
}

export interface SpecFile {
  /** e.g. 06-remote-address-strategy.json */
  fileName: string;
  /** The flags, as /api/client/features serves them. */
  state: FakeUnleashState;
  tests: SpecToggleCase[];
  variantTests: SpecVariantCase[];
}

const require = createRequire(import.meta.url);
const specificationDir = join(
  dirname(require.resolve('@unleash/client-specification/package.json')),
  'specifications',
);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function named(value: unknown): string {
  return isRecord(value) && typeof value.name === 'string' ? value.name : '';
}

/**
 * Files 19 and 20 give their state as delta API events (hydration, feature and segment
 * updates and removals). The proxy polls the full /api/client/features, so the events are
 * replayed here into the full state an Unleash server would serve after them.
 */
export function stateFromDeltaEvents(events: readonly unknown[]): FakeUnleashState {
  const features = new Map<string, unknown>();
  const segments = new Map<number, unknown>();
  for (const event of events) {
    if (!isRecord(event)) continue;
    switch (event.type) {
      case 'hydration':
        features.clear();
        segments.clear();
        for (const feature of Array.isArray(event.features) ? event.features : []) {
          features.set(named(feature), feature);
        }
        for (const segment of Array.isArray(event.segments) ? event.segments : []) {
          if (isRecord(segment)) segments.set(Number(segment.id), segment);
        }
        break;
      case 'feature-updated':
        features.set(named(event.feature), event.feature);
        break;
      case 'feature-removed':
        features.delete(String(event.featureName));
        break;
      case 'segment-updated':
        if (isRecord(event.segment)) segments.set(Number(event.segment.id), event.segment);
        break;
      case 'segment-removed':
        segments.delete(Number(event.segmentId));
        break;
      default:
        throw new Error(`unknown delta event type ${String(event.type)}`);
    }
  }
  return { version: 2, features: [...features.values()], segments: [...segments.values()] };
}

function toState(state: unknown): FakeUnleashState {
  if (!isRecord(state)) throw new Error('specification state is not an object');
  if (Array.isArray(state.events)) return stateFromDeltaEvents(state.events);
  if (!Array.isArray(state.features)) throw new Error('specification state has no features');
  return {
    version: typeof state.version === 'number' ? state.version : 2,
    features: state.features,
    segments: Array.isArray(state.segments) ? state.segments : [],
  };
}

/** Every file of the pinned @unleash/client-specification, in its own order. */
export function loadSpecification(): SpecFile[] {
  const index: unknown = JSON.parse(readFileSync(join(specificationDir, 'index.json'), 'utf8'));
  if (!Array.isArray(index)) throw new Error('specification index is not a list');
  return index.map((fileName: unknown) => {
    const name = String(fileName);
    const spec: unknown = JSON.parse(readFileSync(join(specificationDir, name), 'utf8'));
    if (!isRecord(spec)) throw new Error(`${name} is not an object`);
    return {
      fileName: name,
      state: toState(spec.state),
      tests: (spec.tests ?? []) as SpecToggleCase[],
      variantTests: (spec.variantTests ?? []) as SpecVariantCase[],
    };
  });
}

const STANDARD_FIELDS = new Set([
  'userId',
  'sessionId',
  'remoteAddress',
  'environment',
  'appName',
  'currentTime',
]);

/**
 * The context as a GET query, the way the SDKs send it: standard fields by name,
 * `properties[key]=value`, any other top-level field as a loose key. Missing (null) values
 * are left out, since a query string cannot say "null".
 */
export function contextQuery(context: SpecContext): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(context)) {
    if (value === null || value === undefined) continue;
    if (key === 'properties' && isRecord(value)) {
      for (const [property, text] of Object.entries(value)) {
        if (text !== null && text !== undefined)
          params.append(`properties[${property}]`, String(text));
      }
    } else if (STANDARD_FIELDS.has(key) || typeof value !== 'object') {
      params.append(key, String(value));
    }
  }
  return params.toString();
}
