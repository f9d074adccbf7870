import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../../../src/config/options.js';
import { optionsMarkdownTable } from '../../../src/config/options-table.js';
import { generatedSection } from '../../helpers/readme-sections.js';

describe('README configuration table', () => {
  it('is the one generated from the option table (run `npm run readme` after changing options)', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(generatedSection(readme, 'config-table')).toBe(optionsMarkdownTable());
  });

  it('has the tracing options in docs/tracing.md, generated the same way', () => {
    const page = readFileSync('docs/tracing.md', 'utf8');
    expect(generatedSection(page, 'config-table')).toBe(optionsMarkdownTable('tracing'));
  });

  it('lists every environment variable', () => {
    const table = optionsMarkdownTable();
    for (const spec of Object.values(OPTIONS)) {
      for (const variable of spec.env) expect(table).toContain(`\`${variable}\``);
    }
  });
});
