import { defaultStrategies } from 'unleash-client/lib/strategy/index.js';

/** Names of the strategies the SDK implements; a custom strategy cannot take one of them. */
export const BUILT_IN_STRATEGY_NAMES: ReadonlySet<string> = new Set(
  defaultStrategies.map((strategy) => strategy.name),
);
