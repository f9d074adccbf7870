// Rewrites the generated parts of README.md (the configuration table) from the sources.
import { readFileSync, writeFileSync } from 'node:fs';
import { optionsMarkdownTable } from '../src/config/options-table.js';
import { replaceGeneratedSection } from '../test/helpers/readme-sections.js';

const readme = readFileSync('README.md', 'utf8');
writeFileSync('README.md', replaceGeneratedSection(readme, 'config-table', optionsMarkdownTable()));
console.log('README.md updated');
