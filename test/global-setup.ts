import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../src/package-root.js';

/**
 * Once before the suite: compile the proxy, so that the tests of the process as users run it
 * (`node dist/src/main.js`) all run the current sources, built once instead of once per file.
 */
export default function setup(): void {
  const root = packageRoot();
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    { cwd: root, stdio: 'inherit' },
  );
}
