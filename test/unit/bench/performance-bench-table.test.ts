import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedSection } from '../../helpers/readme-sections.js';

describe('docs/performance.md benchmark table', () => {
  it('is bench/results/latest.md (run `npm run readme` after `npm run bench`)', () => {
    const page = readFileSync('docs/performance.md', 'utf8');
    const results = readFileSync('bench/results/latest.md', 'utf8').trimEnd();
    expect(generatedSection(page, 'bench-table')).toBe(results);
  });

  it('has the tracing table of bench/results/tracing.md (`npm run bench -- --tracing`)', () => {
    const page = readFileSync('docs/performance.md', 'utf8');
    const results = readFileSync('bench/results/tracing.md', 'utf8').trimEnd();
    expect(generatedSection(page, 'tracing-bench')).toBe(results);
  });
});
