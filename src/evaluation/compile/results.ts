import type { VariantDefinition } from '../../unleash/types.js';
import type { EvaluatedToggle, ToggleVariant } from '../types.js';

/**
 * Every answer a flag can give is known when it is compiled: disabled, enabled without a
 * variant, or enabled with one of its variants. They are built once, frozen, and shared by all
 * requests, so evaluating a flag allocates nothing. Their shape and key order are those of the
 * reference evaluator's results.
 */
function toggle(name: string, variant: ToggleVariant, impressionData: boolean): EvaluatedToggle {
  return Object.freeze({
    name,
    enabled: variant.feature_enabled,
    variant: Object.freeze(variant),
    impressionData,
  });
}

export function disabledResult(name: string, impressionData: boolean): EvaluatedToggle {
  return toggle(
    name,
    { name: 'disabled', enabled: false, feature_enabled: false, featureEnabled: false },
    impressionData,
  );
}

export function enabledResult(name: string, impressionData: boolean): EvaluatedToggle {
  return toggle(
    name,
    { name: 'disabled', enabled: false, feature_enabled: true, featureEnabled: true },
    impressionData,
  );
}

export function variantResult(
  name: string,
  definition: VariantDefinition,
  impressionData: boolean,
): EvaluatedToggle {
  const variant: ToggleVariant = {
    name: definition.name,
    enabled: true,
    feature_enabled: true,
    featureEnabled: true,
  };
  if (definition.payload !== undefined) variant.payload = Object.freeze({ ...definition.payload });
  return toggle(name, variant, impressionData);
}
