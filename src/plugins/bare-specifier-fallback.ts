import Module, { register } from 'node:module';
import { isAbsolute, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../package-root.js';

/**
 * Runs in Node's module-hooks thread. When a bare specifier (`unleash-client`, `semver`) cannot
 * be resolved from where the importing file lives, it is resolved again from the proxy's own
 * folder. Written as a string so that it loads the same way from src/ (tests) and dist/.
 */
const HOOKS_SOURCE = `
let fallbackParent;
export function initialize(data) {
  fallbackParent = data.fallbackParent;
}
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const bare = !/^(?:[./]|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(specifier);
    if (!bare || error === null || typeof error !== 'object' || error.code !== 'ERR_MODULE_NOT_FOUND') {
      throw error;
    }
    return nextResolve(specifier, { ...context, parentURL: fallbackParent });
  }
}
`;

/** The hooks as a module URL, for `module.register` (and for `node --import` in tests). */
export const FALLBACK_HOOKS_URL = `data:text/javascript,${encodeURIComponent(HOOKS_SOURCE)}`;

/** Bare specifiers that fail are resolved as if imported from the proxy's package.json. */
export function fallbackParentUrl(): string {
  return pathToFileURL(join(packageRoot(), 'package.json')).href;
}

/**
 * CommonJS: `require` ignores the hooks above on Node 20 (module.registerHooks, which covers
 * it, comes with Node 22.15). Every CommonJS module gets its search folders from
 * `Module._nodeModulePaths` when it loads; for a module outside the proxy, the proxy's
 * node_modules folder is added after the module's own node_modules chain. A file shipping its
 * own dependencies keeps them; any other finds the proxy's copy, whatever the working
 * directory, before any NODE_PATH folder (Node searches those last).
 */
function addProxyPackagesToCommonJs(): void {
  const root = packageRoot();
  const proxyPackages = join(root, 'node_modules');
  const original: unknown = Reflect.get(Module, '_nodeModulePaths');
  if (typeof original !== 'function') return; // a Node without it: NODE_PATH still works
  const nodeModulePaths = (from: string): unknown => Reflect.apply(original, Module, [from]);
  const isInsideProxy = (folder: string): boolean => {
    const path = relative(root, folder);
    return path === '' || (!path.startsWith('..') && !isAbsolute(path));
  };
  Reflect.set(Module, '_nodeModulePaths', (from: string): unknown => {
    const paths = nodeModulePaths(from);
    if (!Array.isArray(paths) || isInsideProxy(from) || paths.includes(proxyPackages)) return paths;
    return [...paths, proxyPackages];
  });
}

let registered = false;

/**
 * A custom strategy or enricher file mounted outside the proxy (e.g. into a Docker image) has
 * no node_modules next to it, yet must `import 'unleash-client'` or `require('unleash-client')`
 * and get the proxy's copy, so that `instanceof Strategy` and shared state hold, with no
 * NODE_PATH to set (ESM ignores it anyway). Both act only after the file's own node_modules
 * chain, so a file shipping its own dependencies keeps them.
 */
export function registerBareSpecifierFallback(): void {
  if (registered) return;
  registered = true;
  register(FALLBACK_HOOKS_URL, { data: { fallbackParent: fallbackParentUrl() } });
  addProxyPackagesToCommonJs();
}
