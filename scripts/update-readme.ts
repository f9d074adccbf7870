// Rewrites the generated parts of the documentation from the sources: the configuration table of
// README.md, and the benchmark table of docs/performance.md from bench/results/latest.md (written
// by `npm run bench`).
import { readFileSync, writeFileSync } from 'node:fs';
import { optionsMarkdownTable } from '../src/config/options-table.js';
import { replaceGeneratedSection } from '../test/helpers/readme-sections.js';

const BENCH_RESULTS = 'bench/results/latest.md';

function updateSection(file: string, name: string, content: string): void {
  writeFileSync(file, replaceGeneratedSection(readFileSync(file, 'utf8'), name, content));
  console.log(`${file}: ${name} updated`);
}

updateSection('README.md', 'config-table', optionsMarkdownTable());
updateSection('docs/tracing.md', 'config-table', optionsMarkdownTable('tracing'));
updateSection('docs/performance.md', 'bench-table', readFileSync(BENCH_RESULTS, 'utf8').trimEnd());
updateSection(
  'docs/performance.md',
  'tracing-bench',
  readFileSync('bench/results/tracing.md', 'utf8').trimEnd(),
);
