import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { packageRoot } from '../../src/package-root.js';

/** The compiled entry point; test/global-setup.ts builds it once before the suite. */
export const BUILT_MAIN = join(packageRoot(), 'dist', 'src', 'main.js');

export interface BuiltProxy {
  process: ChildProcess;
  /** stdout and stderr so far, interleaved as they arrived. */
  output: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * The built proxy as a user runs it: `node dist/src/main.js [args]` with only the given
 * variables (and PATH), from the package root unless `cwd` says otherwise.
 */
export function runBuiltProxy(
  env: Record<string, string>,
  { args = [], cwd = packageRoot() }: { args?: readonly string[]; cwd?: string } = {},
): BuiltProxy {
  const child = spawn(process.execPath, [BUILT_MAIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    stderr += chunk.toString('utf8');
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { process: child, output: () => output, stderr: () => stderr, exited };
}
