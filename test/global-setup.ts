import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../src/package-root.js';
import { ensureRedisServer } from './helpers/ensure-redis-server.js';

/**
 * Once before the suite: compile the proxy, so that the tests of the process as users run it
 * (`node dist/src/main.js`) all run the current sources, built once instead of once per file;
 * and make sure redis-server is there for the fleet tests (installed as CI does, or a failure
 * saying how), never a silent skip.
 */
export default function setup(): void {
  const root = packageRoot();
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    { cwd: root, stdio: 'inherit' },
  );
  ensureRedisServer({
    installed: () => commandWorks('redis-server', ['--version']),
    install: () => commandWorks('bash', [join(root, '.ci', 'redis-setup.sh')]),
  });
}

function commandWorks(command: string, args: readonly string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
