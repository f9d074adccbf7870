import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedSection } from '../../helpers/readme-sections.js';

const README = readFileSync('README.md', 'utf8');
const DOCS = ['README.md', ...readdirSync('docs').map((name) => join('docs', name))];

function headings(markdown: string): { title: string; line: number }[] {
  return markdown
    .split('\n')
    .map((text, index) => ({ title: /^## (.+)$/.exec(text)?.[1] ?? '', line: index + 1 }))
    .filter((heading) => heading.title !== '');
}

describe('README layout', () => {
  it('puts what a switching user needs first: what it is, switching, Edge, configuration', () => {
    const titles = headings(README).map((heading) => heading.title);
    expect(titles.slice(0, 4)).toEqual([
      'What it is',
      'Switching from the original Unleash Proxy',
      'Coming from Unleash Edge',
      'Configuration',
    ]);
  });

  it('starts the configuration within the first screens', () => {
    const configuration = headings(README).find((heading) => heading.title === 'Configuration');
    expect(configuration?.line).toBeLessThan(120);
  });

  it('leaves the depth to docs/: the benchmark method and figures are in docs/performance.md', () => {
    expect(generatedSection(README, 'bench-table')).toBeUndefined();
    const all = headings(README);
    const performance = all.findIndex((heading) => heading.title === 'Performance');
    const next = all[performance + 1]?.line ?? Number.POSITIVE_INFINITY;
    // The goals' table of issue 14 and a few lines: the method and the other runs are in docs/.
    expect(next - (all[performance]?.line ?? 0)).toBeLessThan(24);
    expect(README).toContain('(docs/performance.md)');
  });

  it('links only to files that exist', () => {
    for (const file of DOCS) {
      const markdown = readFileSync(file, 'utf8');
      for (const [, target] of markdown.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (target === undefined || /^[a-z]+:/.test(target)) continue;
        expect(existsSync(join(dirname(file), target)), `${file} links to ${target}`).toBe(true);
      }
    }
  });
});
