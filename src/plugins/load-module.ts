import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerBareSpecifierFallback } from './bare-specifier-fallback.js';

/** A problem with one plugin file, reported at boot as part of a ConfigError. */
export class PluginFileError extends Error {
  constructor(
    readonly setting: string,
    readonly file: string,
    problem: string,
  ) {
    super(`${setting} ${file}: ${problem}`);
    this.name = 'PluginFileError';
  }
}

function reason(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.message;
  return String(error);
}

/** A file that cannot find a package it requires: neither its own folders nor the proxy have it. */
function missingPackageHint(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined;
  return code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND'
    ? " (a plugin file gets the proxy's own packages, such as unleash-client; install any other in a node_modules folder next to the file)"
    : '';
}

/**
 * What a module exports as its value: `module.exports = x` and `export default x` both give
 * `x`; a file compiled from TypeScript (`exports.default = x` with `__esModule`) gives `x` too.
 */
export function exportedValue(namespace: unknown): unknown {
  if (typeof namespace !== 'object' || namespace === null) return namespace;
  if (!('default' in namespace)) return namespace;
  const value: unknown = namespace.default;
  if (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Reflect.get(value, '__esModule') === true &&
    'default' in value
  ) {
    return value.default;
  }
  return value;
}

/**
 * Loads one user module by path (absolute, or relative to `cwd`), CommonJS or ESM as Node
 * decides from its extension and package.json, and returns its full path and what it exports. Every failure is
 * a PluginFileError naming the setting, the file and the problem.
 */
export async function loadModuleValue(
  setting: string,
  path: string,
  cwd: string,
): Promise<{ file: string; value: unknown }> {
  const file = resolve(cwd, path);
  if (!existsSync(file)) throw new PluginFileError(setting, file, 'file not found');
  if (!statSync(file).isFile()) throw new PluginFileError(setting, file, 'not a file');
  registerBareSpecifierFallback();
  let namespace: unknown;
  try {
    namespace = await import(pathToFileURL(file).href);
  } catch (error) {
    throw new PluginFileError(
      setting,
      file,
      `the module threw while loading: ${reason(error)}${missingPackageHint(error)}`,
    );
  }
  return { file, value: exportedValue(namespace) };
}
