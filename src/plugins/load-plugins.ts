import type { ProxyConfig } from '../config/load-config.js';
import { ConfigError } from '../errors.js';
import { BUILT_IN_STRATEGY_NAMES } from '../unleash/built-in-strategies.js';
import type { StrategyLike } from './guard-strategy.js';
import { loadEnricherFile } from './load-enrichers.js';
import { PluginFileError } from './load-module.js';
import { loadStrategyFile } from './load-strategies.js';
import type { ContextEnricher } from './types.js';

export interface Plugins {
  readonly strategies: readonly StrategyLike[];
  readonly enrichers: readonly ContextEnricher[];
}

/**
 * Loads UNLEASH_CUSTOM_STRATEGIES_FILE and EXP_CUSTOM_ENRICHERS_FILE, in the order given, and
 * throws one ConfigError listing every broken file. Paths are relative to `cwd`.
 */
export async function loadPlugins(
  config: Pick<ProxyConfig, 'customStrategiesFiles' | 'customEnrichersFiles'>,
  cwd: string = process.cwd(),
): Promise<Plugins> {
  const problems: string[] = [];
  const collect = async <T>(load: () => Promise<T[]>): Promise<T[]> => {
    try {
      return await load();
    } catch (error) {
      if (!(error instanceof PluginFileError)) throw error;
      problems.push(error.message);
      return [];
    }
  };
  const strategies: StrategyLike[] = [];
  for (const path of config.customStrategiesFiles) {
    strategies.push(...(await collect(() => loadStrategyFile(path, cwd))));
  }
  const enrichers: ContextEnricher[] = [];
  for (const path of config.customEnrichersFiles) {
    enrichers.push(...(await collect(() => loadEnricherFile(path, cwd))));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { strategies, enrichers };
}

/**
 * The SDK picks the first strategy with a flag's strategy name, so a custom strategy named
 * like a built-in one or like another custom one would be silently ignored: refuse it.
 */
export function checkStrategyNames(strategies: readonly StrategyLike[]): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const { name } of strategies) {
    if (BUILT_IN_STRATEGY_NAMES.has(name)) {
      problems.push(`custom strategy "${name}" has the name of a built-in strategy`);
    } else if (seen.has(name)) {
      problems.push(`two custom strategies are named "${name}"`);
    }
    seen.add(name);
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/** createApp is synchronous and cannot load module files: say what to use instead. */
export function assertNoPluginFiles(
  config: Pick<ProxyConfig, 'customStrategiesFiles' | 'customEnrichersFiles'>,
): void {
  const settings = [
    ...(config.customStrategiesFiles.length > 0 ? ['UNLEASH_CUSTOM_STRATEGIES_FILE'] : []),
    ...(config.customEnrichersFiles.length > 0 ? ['EXP_CUSTOM_ENRICHERS_FILE'] : []),
  ];
  if (settings.length > 0) {
    throw new ConfigError(
      settings.map(
        (setting) =>
          `${setting} is set, but createApp() cannot load module files; use \`await createProxy(options)\`, or pass the instances in code`,
      ),
    );
  }
}
