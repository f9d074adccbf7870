import { describeError } from '../logger.js';
import { Strategy, type UnleashContext } from '../unleash/types.js';
import type { ThrottledLog } from './throttled-log.js';

/** What a custom strategy must have: the SDK's Strategy subclasses and plain objects alike. */
export interface StrategyLike {
  readonly name: string;
  isEnabled(parameters: Record<string, unknown>, context: UnleashContext): unknown;
}

type StrategyResult = ReturnType<Strategy['getResult']>;

/** A plain `{ name, isEnabled }` gets the SDK's constraint and variant handling. */
class PlainStrategy extends Strategy {
  constructor(private readonly plain: StrategyLike) {
    super(plain.name);
  }

  override isEnabled(parameters: Record<string, unknown>, context: UnleashContext): boolean {
    // Passed on as is, so that the guard can tell a Promise from an answer.
    return this.plain.isEnabled(parameters, context) as boolean;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof Reflect.get(value, 'then') === 'function'
  );
}

function asStrategy(candidate: StrategyLike): Strategy {
  return typeof Reflect.get(candidate, 'getResult') === 'function'
    ? (candidate as Strategy)
    : new PlainStrategy(candidate);
}

/**
 * Wraps a user strategy so that a failure stays inside one evaluation: an exception (or an
 * `isEnabled` that returns a Promise, which the SDK would take for "enabled") makes the strategy
 * not enabled for that request and is reported through `log`, which throttles it. The wrapper
 * inherits from the user's object, so `instanceof`, `name` and its own methods still work.
 */
export function guardStrategy(candidate: StrategyLike, log: ThrottledLog): Strategy {
  const inner = asStrategy(candidate);
  const innerIsEnabled = inner.isEnabled;
  const innerGetResult = inner.getResult;
  const guarded = Object.create(inner) as Strategy;

  guarded.isEnabled = (parameters, context) => {
    const result: unknown = innerIsEnabled.call(inner, parameters, context);
    if (isThenable(result)) {
      // Settle it here, so that a rejection cannot surface as an unhandled rejection.
      Promise.resolve(result).catch(() => {});
      throw new TypeError('isEnabled returned a Promise; strategies must answer synchronously');
    }
    return Boolean(result);
  };
  guarded.getResult = (...args): StrategyResult => {
    try {
      return innerGetResult.apply(guarded, args);
    } catch (error) {
      log(
        `strategy:${inner.name}`,
        { strategy: inner.name, error: describeError(error) },
        'custom strategy failed; treated as not enabled',
      );
      return { enabled: false };
    }
  };
  return guarded;
}
