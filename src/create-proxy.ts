import { assembleApp, type CreateAppOptions, type ProxyApp, pluginsGivenInCode } from './app.js';
import { type Env, loadConfig } from './config/load-config.js';
import { loadPlugins } from './plugins/load-plugins.js';

/**
 * Builds the proxy like createApp, and first loads the custom strategy and enricher files
 * (UNLEASH_CUSTOM_STRATEGIES_FILE, EXP_CUSTOM_ENRICHERS_FILE). A missing or broken file
 * rejects with a ConfigError naming it, before anything listens or syncs. Instances given in
 * code (`customStrategies`, `customEnrichers`) come first, then the files in order.
 */
export async function createProxy(
  options: CreateAppOptions = {},
  env: Env = process.env,
): Promise<ProxyApp> {
  const config = loadConfig(env, options);
  const fromFiles = await loadPlugins(config);
  const fromCode = pluginsGivenInCode(options);
  return assembleApp(config, options, {
    strategies: [...fromCode.strategies, ...fromFiles.strategies],
    enrichers: [...fromCode.enrichers, ...fromFiles.enrichers],
  });
}
