/**
 * unleash-client is CommonJS with `exports.default`. Node's ESM loader hands the whole
 * `module.exports` to a default import, while Vite-based runners (vitest) hand over
 * `exports.default`; this accepts both so that tests run the same code as production.
 */
export function defaultExport<T>(module: { default: T }): T {
  const candidate: unknown = module;
  return (typeof candidate === 'function' ? candidate : module.default) as T;
}
