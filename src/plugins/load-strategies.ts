import { describeValue } from './describe-value.js';
import type { StrategyLike } from './guard-strategy.js';
import { loadModuleValue, PluginFileError } from './load-module.js';

export const STRATEGIES_SETTING = 'UNLEASH_CUSTOM_STRATEGIES_FILE';

/** Why an element cannot serve as a strategy, or undefined when it can. */
export function strategyProblem(element: unknown): string | undefined {
  if (typeof element !== 'object' || element === null) {
    return `is ${describeValue(element)}, not a strategy instance (did you export the class instead of \`new MyStrategy()\`?)`;
  }
  const name: unknown = Reflect.get(element, 'name');
  if (typeof name !== 'string' || name.trim() === '') return 'has no "name" string';
  if (typeof Reflect.get(element, 'isEnabled') !== 'function') {
    return `("${name}") has no isEnabled(parameters, context) method`;
  }
  return undefined;
}

/**
 * Loads one strategy file: a module exporting an array of strategy instances, as the original
 * Unleash Proxy reads it (`module.exports = [new MyStrategy()]`), or `export default [...]`.
 */
export async function loadStrategyFile(path: string, cwd: string): Promise<StrategyLike[]> {
  const { file, value } = await loadModuleValue(STRATEGIES_SETTING, path, cwd);
  const problem = (message: string) => new PluginFileError(STRATEGIES_SETTING, file, message);
  if (!Array.isArray(value)) {
    throw problem(
      `expected the module to export an array of strategy instances (module.exports = [...] or export default [...]), got ${describeValue(value)}`,
    );
  }
  value.forEach((element: unknown, index) => {
    const reason = strategyProblem(element);
    if (reason !== undefined) throw problem(`element ${index} ${reason}`);
  });
  return value as StrategyLike[];
}
