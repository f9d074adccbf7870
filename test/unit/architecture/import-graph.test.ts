import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// Imports flow one way between the folders of src (docs/architecture.md): routes and dialects
// down to middleware, context, evaluation and the sync engine. A cycle between two folders
// means neither can be understood, tested or replaced without the other. Biome keeps
// unleash-client inside src/unleash (biome.json); this keeps the folder graph acyclic.

/** A module of src, named relative to it, and the modules of src it imports. */
type ImportGraph = ReadonlyMap<string, readonly string[]>;

const RELATIVE_IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)'(\.{1,2}\/[^']+)'/g;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function readImportGraph(root: string): ImportGraph {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const from = relative(root, file).split('\\').join('/');
    const imports = [...readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)].map((match) =>
      posix.normalize(posix.join(posix.dirname(from), match[1] ?? '')).replace(/\.js$/, '.ts'),
    );
    graph.set(from, imports);
  }
  return graph;
}

/** The folder a module belongs to; a module at the top of src is a node of its own. */
function nodeOf(module: string): string {
  const slash = module.indexOf('/');
  return slash === -1 ? module : module.slice(0, slash);
}

/** Groups of folders that import each other, directly or around a loop (Tarjan's SCCs). */
function folderCycles(graph: ImportGraph): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const [from, imports] of graph) {
    const targets = edges.get(nodeOf(from)) ?? new Set<string>();
    edges.set(nodeOf(from), targets);
    for (const target of imports) if (nodeOf(target) !== nodeOf(from)) targets.add(nodeOf(target));
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) ?? 0);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

/** The imports from one folder into another, to say where a cycle comes from. */
function crossings(graph: ImportGraph, folders: readonly string[]): string[] {
  return [...graph].flatMap(([from, imports]) =>
    imports
      .filter((target) => nodeOf(target) !== nodeOf(from) && folders.includes(nodeOf(from)))
      .filter((target) => folders.includes(nodeOf(target)))
      .map((target) => `${from} -> ${target}`),
  );
}

describe('imports between the folders of src', () => {
  it('form no cycle', () => {
    const graph = readImportGraph(join(dirname(new URL(import.meta.url).pathname), '../../../src'));
    expect(graph.size).toBeGreaterThan(50);
    const cycles = folderCycles(graph);
    expect(
      cycles.map((folders) => ({ folders, imports: crossings(graph, folders) })),
      'folders that import each other',
    ).toEqual([]);
  });

  it('are read from every kind of import, and a loop through three folders is found', () => {
    const graph: ImportGraph = new Map([
      ['app.ts', ['routes/a.ts', 'errors.ts']],
      ['errors.ts', []],
      ['routes/a.ts', ['middleware/b.ts', 'routes/c.ts']],
      ['routes/c.ts', []],
      ['middleware/b.ts', ['evaluation/d.ts']],
      ['evaluation/d.ts', ['routes/c.ts', 'errors.ts']],
    ]);
    expect(folderCycles(graph)).toEqual([['evaluation', 'middleware', 'routes']]);
    expect(folderCycles(new Map([...graph, ['evaluation/d.ts', ['errors.ts']]]))).toEqual([]);
    const imports = [
      "import { a } from '../x/a.js';",
      "import type { B } from './b.js';",
      "export { c } from '../y/c.js';",
      "const d = await import('../z/d.js');",
      "import '../w/side-effect.js';",
      "import pino from 'pino';",
    ].join('\n');
    expect([...imports.matchAll(RELATIVE_IMPORT)].map((match) => match[1])).toEqual([
      '../x/a.js',
      './b.js',
      '../y/c.js',
      '../z/d.js',
      '../w/side-effect.js',
    ]);
  });
});
