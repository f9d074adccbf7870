import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { renderDefaultSpec, specFilePath } from './spec-file.js';

// `npm run openapi`: regenerates openapi/openapi.json, which a test keeps in sync.
const path = specFilePath();
mkdirSync(dirname(path), { recursive: true });
writeFileSync(path, renderDefaultSpec());
process.stdout.write(`wrote ${path}\n`);
