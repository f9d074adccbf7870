// The evaluation vocabulary is defined at the bottom of the import graph, next to the sync
// engine whose reference evaluator produces it too (see unleash/evaluation-types.ts).
export type {
  EvaluatedToggle,
  EvaluationContext,
  Evaluator,
  ToggleVariant,
  VariantPayload,
} from '../unleash/evaluation-types.js';
