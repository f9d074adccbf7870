import type { EvaluatedToggle } from '../../evaluation/types.js';
import { quotedName } from '../../http/caller-names.js';
import type { OfrepFlagShape, OfrepValueType } from './flag-shapes.js';

export type OfrepReason = 'DISABLED' | 'DEFAULT' | 'TARGETING_MATCH' | 'SPLIT';
export type OfrepJson =
  | string
  | number
  | boolean
  | null
  | OfrepJson[]
  | { [key: string]: OfrepJson };
export type OfrepValue = boolean | string | number | { [key: string]: OfrepJson } | OfrepJson[];
export type OfrepMetadata = Record<string, string | number | boolean>;

/** A flag evaluated; without `value` the provider uses the default given in code (ADR 0006). */
export interface OfrepSuccess {
  key: string;
  value?: OfrepValue;
  reason: OfrepReason;
  variant: string;
  metadata: OfrepMetadata;
}

export type OfrepErrorCode =
  | 'PARSE_ERROR'
  | 'TARGETING_KEY_MISSING'
  | 'INVALID_CONTEXT'
  | 'GENERAL'
  | 'FLAG_NOT_FOUND';

/** One flag that could not be evaluated, inside a bulk answer or as a single answer. */
export interface OfrepFailure {
  key: string;
  errorCode: OfrepErrorCode;
  errorDetails: string;
  metadata?: OfrepMetadata;
}

export type OfrepEvaluation = OfrepSuccess | OfrepFailure;

export interface MappingOptions {
  /**
   * OFREP_ALWAYS_SEND_VALUE: where the answer would leave the value to the code default, send
   * the empty value of the flag's type instead ('', 0, {}): @openfeature/ofrep-provider 0.1.x
   * refuses a 200 without `value`.
   */
  readonly alwaysSendValue: boolean;
}

const EMPTY_VALUE: Readonly<Record<Exclude<OfrepValueType, 'boolean'>, OfrepValue>> = {
  string: '',
  number: 0,
  object: {},
};

function reasonOf(shape: OfrepFlagShape, toggle: EvaluatedToggle): OfrepReason {
  if (!shape.enabled) return 'DISABLED';
  if (!toggle.enabled) return 'DEFAULT';
  return toggle.variant.enabled ? 'SPLIT' : 'TARGETING_MATCH';
}

function metadataOf(shape: OfrepFlagShape, toggle: EvaluatedToggle): OfrepMetadata {
  const metadata: OfrepMetadata = {
    enabled: toggle.enabled,
    impressionData: shape.impressionData,
  };
  if (shape.project !== undefined) metadata.project = shape.project;
  if (shape.payloadType !== undefined) metadata.payloadType = shape.payloadType;
  return metadata;
}

type Parsed = { value: OfrepValue } | { problem: string };

/** A payload's text as a value of the flag's type. */
function parsePayload(type: OfrepValueType, text: string): Parsed {
  if (type === 'number') {
    const value = text.trim() === '' ? Number.NaN : Number(text);
    return Number.isFinite(value) ? { value } : { problem: 'is not a finite number' };
  }
  if (type === 'object') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { problem: 'is not valid JSON' };
    }
    return typeof value === 'object' && value !== null
      ? { value: value as OfrepValue }
      : { problem: 'is JSON but not an object or array' };
  }
  return { value: text };
}

/**
 * One evaluated flag in OFREP terms. `value` is `enabled` for a boolean flag, else the payload
 * of the variant the context got, read as the flag's type; without a payload (the flag is off
 * for this context, or its variant carries none) there is no value, unless `alwaysSendValue`.
 */
export function toOfrepEvaluation(
  shape: OfrepFlagShape,
  toggle: EvaluatedToggle,
  options: MappingOptions,
): OfrepEvaluation {
  const result: OfrepSuccess = {
    key: shape.key,
    reason: reasonOf(shape, toggle),
    variant: toggle.variant.name,
    metadata: metadataOf(shape, toggle),
  };
  if (shape.type === 'boolean') {
    result.value = toggle.enabled;
    return result;
  }
  const payload = toggle.enabled && toggle.variant.enabled ? toggle.variant.payload : undefined;
  if (payload !== undefined) {
    const parsed = parsePayload(shape.type, payload.value);
    if ('problem' in parsed) {
      return {
        key: shape.key,
        errorCode: 'PARSE_ERROR',
        errorDetails: `The payload of variant "${toggle.variant.name}" ${parsed.problem}.`,
        metadata: result.metadata,
      };
    }
    result.value = parsed.value;
  } else if (options.alwaysSendValue) {
    result.value = EMPTY_VALUE[shape.type];
  }
  return result;
}

export function flagNotFound(key: string): OfrepFailure {
  return {
    key,
    errorCode: 'FLAG_NOT_FOUND',
    errorDetails: `Flag ${quotedName(key)} was not found.`,
  };
}
