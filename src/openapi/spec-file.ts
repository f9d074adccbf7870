import { join } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { packageRoot } from '../package-root.js';
import { buildSpec } from './build-spec.js';

/** Where the generated document is kept in the repository. */
export function specFilePath(): string {
  return join(packageRoot(), 'openapi', 'openapi.json');
}

/** The document for the default configuration, as the file holds it. */
export function renderDefaultSpec(): string {
  return `${JSON.stringify(buildSpec(loadConfig({})), null, 2)}\n`;
}
