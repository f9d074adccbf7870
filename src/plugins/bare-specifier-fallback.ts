import { register } from 'node:module';
import { join } from 'node:path';
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

let registered = false;

/**
 * A custom strategy or enricher file mounted outside the proxy (e.g. into a Docker image) has
 * no node_modules next to it, yet must `import 'unleash-client'` and get the proxy's copy, so
 * that `instanceof Strategy` and shared state hold. CommonJS `require` honours NODE_PATH (the
 * image sets it); ESM `import` ignores NODE_PATH, hence this hook. It only acts after normal
 * resolution failed, so a file shipping its own dependencies keeps them.
 */
export function registerBareSpecifierFallback(): void {
  if (registered) return;
  registered = true;
  register(FALLBACK_HOOKS_URL, { data: { fallbackParent: fallbackParentUrl() } });
}
