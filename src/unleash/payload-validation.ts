/**
 * Checks a flag payload (from Unleash or a backup) before it may replace the flags being
 * served. unleash-client only refuses a payload with no `features` list; anything else it
 * reports and then keeps, and a feature with a non-list `strategies` or a constraint that is
 * not an object would throw inside evaluation, on every request, until the next good payload.
 */
export function findPayloadProblem(payload: unknown): string | undefined {
  if (!isObject(payload)) return 'the payload is not an object';
  const { features, segments } = payload;
  if (!Array.isArray(features)) return '"features" is not a list';
  for (const [index, feature] of features.entries()) {
    const problem = featureProblem(feature);
    if (problem !== undefined) return `features[${index}]: ${problem}`;
  }
  if (segments !== undefined && segments !== null) {
    if (!Array.isArray(segments)) return '"segments" is not a list';
    for (const [index, segment] of segments.entries()) {
      if (!isObject(segment) || typeof segment.id !== 'number') {
        return `segments[${index}] has no numeric id`;
      }
      const problem = constraintsProblem(segment.constraints);
      if (problem !== undefined) return `segments[${index}]: ${problem}`;
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOptionalList(value: unknown): boolean {
  return value === undefined || value === null || Array.isArray(value);
}

function featureProblem(feature: unknown): string | undefined {
  if (!isObject(feature)) return 'not an object';
  if (typeof feature.name !== 'string' || feature.name === '') return 'no name';
  if (typeof feature.enabled !== 'boolean') return '"enabled" is not a boolean';
  if (!isOptionalList(feature.strategies)) return '"strategies" is not a list';
  if (!isOptionalList(feature.variants)) return '"variants" is not a list';
  if (Array.isArray(feature.variants) && !feature.variants.every(isNamed)) {
    return 'a variant has no name';
  }
  for (const strategy of Array.isArray(feature.strategies) ? feature.strategies : []) {
    if (!isNamed(strategy)) return 'a strategy has no name';
    if (strategy.parameters !== undefined && strategy.parameters !== null) {
      if (!isObject(strategy.parameters)) return 'strategy parameters are not an object';
    }
    const problem = constraintsProblem(strategy.constraints);
    if (problem !== undefined) return problem;
    if (!isOptionalList(strategy.segments)) return 'strategy segments are not a list';
    if (!isOptionalList(strategy.variants)) return 'strategy variants are not a list';
  }
  return undefined;
}

function isNamed(value: unknown): value is Record<string, unknown> {
  return isObject(value) && typeof value.name === 'string';
}

function constraintsProblem(constraints: unknown): string | undefined {
  if (!isOptionalList(constraints)) return 'constraints are not a list';
  for (const constraint of Array.isArray(constraints) ? constraints : []) {
    if (!isObject(constraint)) return 'a constraint is not an object';
    if (typeof constraint.contextName !== 'string' || typeof constraint.operator !== 'string') {
      return 'a constraint has no contextName or operator';
    }
    if (!isOptionalList(constraint.values)) return 'constraint values are not a list';
  }
  return undefined;
}
