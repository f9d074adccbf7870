/*
 * The shapes of evaluation: the context a flag is evaluated against, an evaluated flag, an
 * evaluator. Both the compiled evaluator (src/evaluation) and unleash-client's reference engine
 * (reference-evaluator.ts) produce them, so they live here, below both; src/evaluation/types.ts
 * re-exports them for everything above.
 */

/** The context a flag is evaluated against; `properties` holds every custom field. */
export interface EvaluationContext {
  userId?: string;
  sessionId?: string;
  remoteAddress?: string;
  environment?: string;
  appName?: string;
  currentTime?: Date;
  properties: Record<string, string>;
}

export interface VariantPayload {
  type: string;
  value: string;
}

/** The variant as the original proxy returns it: both spellings of the feature status. */
export interface ToggleVariant {
  name: string;
  enabled: boolean;
  payload?: VariantPayload;
  feature_enabled: boolean;
  featureEnabled: boolean;
}

export interface EvaluatedToggle {
  name: string;
  enabled: boolean;
  variant: ToggleVariant;
  impressionData: boolean;
}

/**
 * Evaluates a snapshot of flags. Built once per flag update; `evaluate` is the per-request
 * hot path. Without `names` it returns every known flag; with `names` exactly those, in that
 * order, unknown ones as disabled.
 */
export interface Evaluator {
  evaluate(context: EvaluationContext, names?: readonly string[]): EvaluatedToggle[];
  /** `contexts.map((context) => evaluate(context))`, possibly computed faster. */
  evaluateMany?(contexts: readonly EvaluationContext[]): EvaluatedToggle[][];
}
