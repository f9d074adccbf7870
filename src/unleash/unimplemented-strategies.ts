import type { Logger } from '../logger.js';
import { BUILT_IN_STRATEGY_NAMES } from './built-in-strategies.js';
import type { FeatureInterface, Strategy } from './types.js';

/**
 * The strategies enabled flags use that neither unleash-client nor a loaded custom strategy
 * implements, each with the flags that use it. Such a strategy counts as not enabled, so a
 * forgotten strategy file silently turns flags off.
 */
export function unimplementedStrategies(
  features: readonly FeatureInterface[],
  customStrategies: readonly Pick<Strategy, 'name'>[],
): Map<string, string[]> {
  const known = new Set([...BUILT_IN_STRATEGY_NAMES, ...customStrategies.map(({ name }) => name)]);
  const missing = new Map<string, string[]>();
  for (const feature of features) {
    if (!feature.enabled) continue;
    const names = new Set((feature.strategies ?? []).map((strategy) => strategy.name));
    for (const name of names) {
      if (known.has(name)) continue;
      const flags = missing.get(name);
      if (flags === undefined) missing.set(name, [feature.name]);
      else flags.push(feature.name);
    }
  }
  return missing;
}

/** One warning per missing strategy name, naming its flags; called once per flag update. */
export function warnUnimplementedStrategies(
  features: readonly FeatureInterface[],
  customStrategies: readonly Pick<Strategy, 'name'>[],
  logger: Logger,
): void {
  for (const [strategy, flags] of unimplementedStrategies(features, customStrategies)) {
    logger.warn(
      { strategy, flags },
      `no strategy named "${strategy}" is loaded (neither built in nor a custom strategy): it counts as not enabled in ${flags.join(', ')}`,
    );
  }
}
