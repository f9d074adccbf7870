import type { FlagSnapshot } from '../../unleash/snapshot.js';
import type { FeatureInterface, VariantDefinition } from '../../unleash/types.js';

/** The OFREP value types a flag can have; `number` covers OFREP's integer and float. */
export type OfrepValueType = 'boolean' | 'string' | 'number' | 'object';

/**
 * What OFREP needs to know about a flag from its definition alone, so that a flag's type is
 * the same for every user: a flag whose variants carry no payload is a boolean; one with
 * payloads has the type of its payloads (string and csv: string, number: number, json: object).
 * Payloads of different types fall back to string, the raw payload text.
 */
export interface OfrepFlagShape {
  readonly key: string;
  readonly type: OfrepValueType;
  /** Unleash's payload type when all payloads share one (`string`, `json`, `csv`, `number`). */
  readonly payloadType: string | undefined;
  /** The flag is switched on in this environment (false: every answer has reason DISABLED). */
  readonly enabled: boolean;
  readonly project: string | undefined;
  readonly impressionData: boolean;
}

const VALUE_TYPE_OF_PAYLOAD: Readonly<Record<string, OfrepValueType>> = {
  string: 'string',
  csv: 'string',
  number: 'number',
  json: 'object',
};

function variantsOf(feature: FeatureInterface): VariantDefinition[] {
  const fromStrategies = (feature.strategies ?? []).flatMap((strategy) => strategy.variants ?? []);
  return [...(feature.variants ?? []), ...fromStrategies];
}

export function shapeOf(feature: FeatureInterface): OfrepFlagShape {
  const payloadTypes = new Set<string>();
  for (const variant of variantsOf(feature)) {
    if (variant.payload !== undefined) payloadTypes.add(String(variant.payload.type));
  }
  const valueTypes = new Set(
    [...payloadTypes].map((type) => VALUE_TYPE_OF_PAYLOAD[type] ?? 'string'),
  );
  const [onlyValueType] = valueTypes;
  const type: OfrepValueType =
    valueTypes.size === 0
      ? 'boolean'
      : valueTypes.size === 1 && onlyValueType
        ? onlyValueType
        : 'string';
  const [onlyPayloadType] = payloadTypes;
  return Object.freeze({
    key: feature.name,
    type,
    payloadType: payloadTypes.size === 1 ? onlyPayloadType : undefined,
    enabled: feature.enabled,
    project: feature.project,
    impressionData: feature.impressionData === true,
  });
}

const shapesBySnapshot = new WeakMap<FlagSnapshot, ReadonlyMap<string, OfrepFlagShape>>();

/** The shapes of every flag of a snapshot, computed once per flag update and kept with it. */
export function flagShapes(snapshot: FlagSnapshot): ReadonlyMap<string, OfrepFlagShape> {
  let shapes = shapesBySnapshot.get(snapshot);
  if (shapes === undefined) {
    shapes = new Map(snapshot.features.map((feature) => [feature.name, shapeOf(feature)]));
    shapesBySnapshot.set(snapshot, shapes);
  }
  return shapes;
}
