import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';
import { BUILT_MAIN } from '../helpers/built-proxy.js';
import { freePort } from '../helpers/free-port.js';
import { waitFor } from '../helpers/wait-for.js';

async function healthy(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/proxy/health`)).status === 200;
  } catch {
    return false;
  }
}

describe('npm start', () => {
  const children: ReturnType<typeof spawn>[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }
  });

  it('starts the built proxy without building again, and SIGTERM to npm stops it', async () => {
    const builtAt = statSync(BUILT_MAIN).mtimeMs;
    const port = await freePort();
    // Its own process group, so that cleanup can reach whatever npm started.
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: packageRoot(),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    children.push(npm);
    await waitFor(() => healthy(port), 'the proxy started by npm start', 20_000);
    expect(statSync(BUILT_MAIN).mtimeMs).toBe(builtAt);

    const exited = once(npm, 'exit');
    npm.kill('SIGTERM');
    await exited;
    // Nothing left listening: the proxy itself stopped, not only npm.
    await waitFor(async () => !(await healthy(port)), 'the proxy to stop', 10_000);
  }, 40_000);
});
