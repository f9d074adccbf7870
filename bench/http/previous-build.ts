import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The last build that answered GET /proxy on a fast lane before Koa (src/http/proxy-fast-lane.ts,
 * removed since): the reference the one Koa path is held to (CPU per GET within 1.3x, per 304
 * within 1.5x).
 */
export const PREVIOUS_BUILD_COMMIT = '8a87d34';

/**
 * The entry point of that build, made once into .cache/bench/build-<commit>/: the sources of
 * the commit (`git archive`, so no worktree is registered), this checkout's node_modules
 * (the commit's dependencies are a subset of today's), compiled with its own tsconfig.
 * Delete the folder to rebuild it.
 */
export function previousBuildMain(root: string): string {
  const folder = join(root, '.cache', 'bench', `build-${PREVIOUS_BUILD_COMMIT}`);
  const main = join(folder, 'dist', 'src', 'main.js');
  if (existsSync(main)) return main;
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const archive = execFileSync('git', ['archive', '--format=tar', PREVIOUS_BUILD_COMMIT], {
    cwd: root,
    maxBuffer: 256 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', folder], { input: archive });
  symlinkSync(join(root, 'node_modules'), join(folder, 'node_modules'));
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    { cwd: folder, stdio: 'inherit' },
  );
  return main;
}
