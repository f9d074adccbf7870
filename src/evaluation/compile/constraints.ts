import { RE2JS, SemVer } from '../../unleash/engine.js';
import type { Constraint } from '../../unleash/types.js';
import { compileField, resolveField } from './context-field.js';
import { CidrMatcher } from './network.js';
import { ALWAYS, NEVER, type Predicate, UNSUPPORTED, type Unsupported } from './predicate.js';
import { requestTime } from './request.js';
import { parseContextVersion } from './semver-cache.js';

/**
 * Compiles one constraint to a predicate with the semantics of unleash-client's operators
 * (strategy/strategy.js): `inverted` negates the operator's result; a missing context value
 * makes every operator false (so an inverted one true), except NOT_IN, which is then true;
 * IN/NOT_IN/STR_* /IN_CIDR read `values` (falsy entries dropped, the rest trimmed), NUM_*,
 * DATE_*, SEMVER_* and REGEX read `value`; DATE_* compares `currentTime` whatever the
 * `contextName`. An unknown operator, or a shape the SDK would throw on, is UNSUPPORTED.
 */
export function compileConstraint(constraint: Constraint | undefined): Predicate | Unsupported {
  // A strategy that references a missing segment yields `undefined`: the SDK fails it.
  if (!constraint) return NEVER;
  const inverted = Boolean(constraint.inverted);
  const predicate = compileOperator(constraint, inverted);
  if (predicate === UNSUPPORTED) return UNSUPPORTED;
  return predicate;
}

/** The SDK's `cleanValues`, or undefined where it would throw. */
function cleanValues(values: unknown): string[] | undefined {
  if (!Array.isArray(values)) return undefined;
  const kept = values.filter((value) => !!value);
  if (!kept.every((value) => typeof value === 'string')) return undefined;
  return kept.map((value: string) => value.trim());
}

function constant(result: boolean, inverted: boolean): Predicate {
  return result !== inverted ? ALWAYS : NEVER;
}

function compileOperator(constraint: Constraint, inverted: boolean): Predicate | Unsupported {
  const operator = constraint.operator as string;
  if (operator === 'DATE_AFTER' || operator === 'DATE_BEFORE') {
    const limit = new Date(constraint.value as string).getTime();
    if (Number.isNaN(limit)) return constant(false, inverted);
    return operator === 'DATE_AFTER'
      ? (state) => requestTime(state) > limit !== inverted
      : (state) => requestTime(state) < limit !== inverted;
  }
  const field = compileField(constraint.contextName);
  if (!field) return UNSUPPORTED;
  switch (operator) {
    case 'IN':
    case 'NOT_IN': {
      const values = cleanValues(constraint.values);
      if (!values) return UNSUPPORTED;
      const set = new Set(values);
      // NOT_IN is IN negated; fold both negations into one comparison.
      const negate = (operator === 'NOT_IN') !== inverted;
      return (state) => set.has(resolveField(state, field) as string) !== negate;
    }
    case 'STR_STARTS_WITH':
    case 'STR_ENDS_WITH':
    case 'STR_CONTAINS': {
      const cleaned = cleanValues(constraint.values);
      if (!cleaned) return UNSUPPORTED;
      const caseInsensitive = Boolean(constraint.caseInsensitive);
      const values = caseInsensitive ? cleaned.map((v) => v.toLocaleLowerCase()) : cleaned;
      const test = stringTest(operator, values);
      return (state) => {
        let value = resolveField(state, field);
        if (value === undefined) return inverted;
        if (caseInsensitive) value = value.toLocaleLowerCase();
        return test(value) !== inverted;
      };
    }
    case 'NUM_EQ':
    case 'NUM_GT':
    case 'NUM_GTE':
    case 'NUM_LT':
    case 'NUM_LTE': {
      const limit = Number(constraint.value);
      if (Number.isNaN(limit)) return constant(false, inverted);
      const compare = numberTest(operator);
      // Number(undefined) is NaN, which every comparison rejects, as in the SDK.
      return (state) => compare(Number(resolveField(state, field)), limit) !== inverted;
    }
    case 'SEMVER_EQ':
    case 'SEMVER_GT':
    case 'SEMVER_GTE':
    case 'SEMVER_LT':
    case 'SEMVER_LTE': {
      let limit: SemVer;
      try {
        limit = new SemVer(constraint.value as string);
      } catch {
        return constant(false, inverted); // the SDK catches the comparison's throw
      }
      const accept = semverTest(operator);
      return (state) => {
        const value = resolveField(state, field);
        if (!value) return inverted;
        const version = parseContextVersion(value);
        if (version === null) return inverted;
        return accept(version.compare(limit)) !== inverted;
      };
    }
    case 'REGEX': {
      let regex: RE2JS;
      try {
        regex = RE2JS.compile(
          constraint.value as string,
          constraint.caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0,
        );
      } catch {
        return constant(false, inverted);
      }
      return (state) => {
        const value = resolveField(state, field);
        if (value === undefined) return inverted;
        return regex.matcher(value).find() !== inverted;
      };
    }
    case 'IN_CIDR': {
      const values = cleanValues(constraint.values);
      if (!values) return UNSUPPORTED;
      const matcher = new CidrMatcher(values);
      return (state) => {
        const value = resolveField(state, field);
        if (value === undefined) return inverted;
        return matcher.matches(state, value) !== inverted;
      };
    }
    default:
      return UNSUPPORTED;
  }
}

function stringTest(operator: string, values: readonly string[]): (value: string) => boolean {
  if (operator === 'STR_STARTS_WITH') {
    return (value) => {
      for (const v of values) if (value.startsWith(v)) return true;
      return false;
    };
  }
  if (operator === 'STR_ENDS_WITH') {
    return (value) => {
      for (const v of values) if (value.endsWith(v)) return true;
      return false;
    };
  }
  return (value) => {
    for (const v of values) if (value.includes(v)) return true;
    return false;
  };
}

function numberTest(operator: string): (value: number, limit: number) => boolean {
  switch (operator) {
    case 'NUM_EQ':
      return (value, limit) => value === limit;
    case 'NUM_GT':
      return (value, limit) => value > limit;
    case 'NUM_GTE':
      return (value, limit) => value >= limit;
    case 'NUM_LT':
      return (value, limit) => value < limit;
    default:
      return (value, limit) => value <= limit;
  }
}

function semverTest(operator: string): (comparison: number) => boolean {
  switch (operator) {
    case 'SEMVER_EQ':
      return (c) => c === 0;
    case 'SEMVER_GT':
      return (c) => c > 0;
    case 'SEMVER_GTE':
      return (c) => c >= 0;
    case 'SEMVER_LT':
      return (c) => c < 0;
    default:
      return (c) => c <= 0;
  }
}
