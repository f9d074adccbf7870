// Rewrites the generated parts of README.md from the sources: the configuration table, and the
// benchmark table from bench/results/latest.md (written by `npm run bench`).
import { readFileSync, writeFileSync } from 'node:fs';
import { optionsMarkdownTable } from '../src/config/options-table.js';
import { replaceGeneratedSection } from '../test/helpers/readme-sections.js';

const BENCH_RESULTS = 'bench/results/latest.md';

let readme = readFileSync('README.md', 'utf8');
readme = replaceGeneratedSection(readme, 'config-table', optionsMarkdownTable());
readme = replaceGeneratedSection(
  readme,
  'bench-table',
  readFileSync(BENCH_RESULTS, 'utf8').trimEnd(),
);
writeFileSync('README.md', readme);
console.log('README.md updated');
