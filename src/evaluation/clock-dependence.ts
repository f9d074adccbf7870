import { builtInStrategyNames } from '../unleash/engine.js';
import type { FlagSnapshot } from '../unleash/snapshot.js';

const CLOCK_OPERATORS: ReadonlySet<unknown> = new Set(['DATE_AFTER', 'DATE_BEFORE']);

function readsClock(constraints: unknown): boolean {
  if (!Array.isArray(constraints)) return false;
  return constraints.some(
    (constraint: unknown) =>
      typeof constraint === 'object' &&
      constraint !== null &&
      CLOCK_OPERATORS.has((constraint as { operator?: unknown }).operator),
  );
}

/**
 * Whether an answer for these flags may change with the time alone, for a context without
 * `currentTime`: a DATE_AFTER or DATE_BEFORE constraint (on a strategy or one of its segments)
 * compares the clock, and a strategy we do not implement (a custom one, such as
 * strategies/time-window.js) may do anything. ETags must then change with the time too (see
 * proxy-routes.ts), or a 304 would keep an answer the clock has since changed. Run once per flag
 * update; payloads are read defensively, as the compiler does, since they come from the network.
 */
export function answersDependOnClock(snapshot: FlagSnapshot): boolean {
  const segmentConstraints = new Map<unknown, unknown>();
  for (const segment of snapshot.segments) segmentConstraints.set(segment.id, segment.constraints);
  return snapshot.features.some((feature) => {
    const strategies: unknown = feature.strategies;
    if (!Array.isArray(strategies)) return false;
    return strategies.some((strategy: unknown) => {
      if (typeof strategy !== 'object' || strategy === null) return false;
      const { name, constraints, segments } = strategy as Record<string, unknown>;
      if (typeof name === 'string' && !builtInStrategyNames.has(name)) return true;
      if (readsClock(constraints)) return true;
      return (
        Array.isArray(segments) && segments.some((id) => readsClock(segmentConstraints.get(id)))
      );
    });
  });
}
