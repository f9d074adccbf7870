import { describeValue } from './describe-value.js';
import { loadModuleValue, PluginFileError } from './load-module.js';
import type { ContextEnricher } from './types.js';

export const ENRICHERS_SETTING = 'EXP_CUSTOM_ENRICHERS_FILE';

/**
 * Loads one enricher file: a module exporting an array of functions
 * `(context, request) => context | Promise<context>`.
 */
export async function loadEnricherFile(path: string, cwd: string): Promise<ContextEnricher[]> {
  const { file, value } = await loadModuleValue(ENRICHERS_SETTING, path, cwd);
  const problem = (message: string) => new PluginFileError(ENRICHERS_SETTING, file, message);
  if (!Array.isArray(value)) {
    throw problem(
      `expected the module to export an array of functions (module.exports = [...] or export default [...]), got ${describeValue(value)}`,
    );
  }
  value.forEach((element: unknown, index) => {
    if (typeof element !== 'function') {
      throw problem(`element ${index} is ${describeValue(element)}, not a function`);
    }
  });
  return value as ContextEnricher[];
}
