import { builtInStrategyNames } from '../unleash/engine.js';
import type { FlagSnapshot } from '../unleash/snapshot.js';

/**
 * For a snapshot whose answers can change with the time alone (for a context without
 * `currentTime`), names the period `now` falls in: answers computed in the same period are the
 * same, so ETags carry this name and a 304 never keeps an answer the clock has since changed.
 */
export type ClockPeriod = (now: number) => string;

const DATE_OPERATORS: ReadonlySet<unknown> = new Set(['DATE_AFTER', 'DATE_BEFORE']);

/**
 * Built once per flag update. DATE_AFTER and DATE_BEFORE compare the clock with fixed instants,
 * so their answers only change at those instants: the period is where `now` falls among them,
 * and a 304 stays possible between two of them. Undefined when no such constraint exists.
 * A strategy we do not implement (a custom one) may read the clock, or anything, in ways the
 * proxy cannot see: see `usesOpaqueStrategy`. Payloads come from the network and are read
 * defensively, as the compiler does.
 */
export function clockPeriodOf(snapshot: FlagSnapshot): ClockPeriod | undefined {
  const segmentConstraints = new Map<unknown, unknown>();
  for (const segment of snapshot.segments) segmentConstraints.set(segment.id, segment.constraints);
  const instants = new Set<number>();
  const collect = (constraints: unknown) => {
    if (!Array.isArray(constraints)) return;
    for (const constraint of constraints as unknown[]) {
      if (typeof constraint !== 'object' || constraint === null) continue;
      const { operator, value } = constraint as Record<string, unknown>;
      if (!DATE_OPERATORS.has(operator)) continue;
      // Parsed as the compiler parses it; an invalid date never matches, whatever the time.
      const instant = new Date(value as string).getTime();
      if (!Number.isNaN(instant)) instants.add(instant);
    }
  };
  for (const feature of snapshot.features) {
    const strategies: unknown = feature.strategies;
    if (!Array.isArray(strategies)) continue;
    for (const strategy of strategies as unknown[]) {
      if (typeof strategy !== 'object' || strategy === null) continue;
      const { constraints, segments } = strategy as Record<string, unknown>;
      collect(constraints);
      if (Array.isArray(segments)) {
        for (const id of segments as unknown[]) collect(segmentConstraints.get(id));
      }
    }
  }
  if (instants.size === 0) return undefined;
  const sorted = Float64Array.from(instants).sort();
  // DATE_AFTER is `now > instant`, DATE_BEFORE `now < instant`: every comparison is known from
  // how many instants are below `now` and how many at or below it.
  return (now) => `d${countBelow(sorted, now, false)}-${countBelow(sorted, now, true)}`;
}

/** How many of the ascending `sorted` are < `now` (or <= `now` when `orEqual`). */
function countBelow(sorted: Float64Array, now: number, orEqual: boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const instant = sorted[middle] as number;
    if (instant < now || (orEqual && instant === now)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Whether a flag uses a strategy unleash-client does not implement (a custom one): its answer
 * may depend on the clock, or on anything, in ways the proxy cannot see, so an answer can only
 * be known unchanged by computing it (see dialects/answer-etag.ts). Built once per flag update.
 */
export function usesOpaqueStrategy(snapshot: FlagSnapshot): boolean {
  return snapshot.features.some((feature) => {
    const strategies: unknown = feature.strategies;
    if (!Array.isArray(strategies)) return false;
    return (strategies as unknown[]).some((strategy) => {
      if (typeof strategy !== 'object' || strategy === null) return false;
      const { name } = strategy as Record<string, unknown>;
      return typeof name === 'string' && !builtInStrategyNames.has(name);
    });
  });
}
