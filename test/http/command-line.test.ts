import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { OPTIONS } from '../../src/config/options.js';
import { type BuiltProxy, runBuiltProxy } from '../helpers/built-proxy.js';
import { freePort } from '../helpers/free-port.js';
import { waitFor } from '../helpers/wait-for.js';

const running: BuiltProxy[] = [];
afterEach(() => {
  for (const child of running.splice(0)) {
    if (child.process.exitCode === null) child.process.kill('SIGKILL');
  }
});

function run(args: readonly string[], env: Record<string, string> = {}): BuiltProxy {
  const child = runBuiltProxy(env, { args });
  running.push(child);
  return child;
}

async function demoOn(port: number): Promise<BuiltProxy> {
  const child = run([], { PORT: String(port) });
  await waitFor(async () => {
    try {
      return (await fetch(`http://127.0.0.1:${port}/proxy/health`)).status === 200;
    } catch {
      return false;
    }
  }, 'the proxy to be healthy');
  return child;
}

describe('the command line', () => {
  it('--help prints the usage and every environment variable of the option table', async () => {
    const child = run(['--help']);
    expect(await child.exited).toBe(0);
    expect(child.output()).toMatch(/^Usage: unleash-koa-proxy/);
    for (const spec of Object.values(OPTIONS)) {
      for (const variable of spec.env) expect(child.output()).toContain(variable);
    }
  });

  it('--version prints the version of the package', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const child = run(['--version']);
    expect(await child.exited).toBe(0);
    expect(child.output().trim()).toBe(version);
  });

  it.each([['--port', '4000'], ['strat'], ['--help', 'extra'], ['health', '--verbose']])(
    'refuses unknown arguments (%s) instead of starting',
    async (...args) => {
      const child = run(args, { PORT: String(await freePort()) });
      expect(await child.exited).toBe(2);
      expect(child.stderr()).toMatch(/Unknown|Unexpected/);
      expect(child.stderr()).toContain('--help');
    },
  );

  it('health and ready probe a running proxy: 0 when it answers 200', async () => {
    const port = await freePort();
    await demoOn(port);
    for (const target of ['health', 'ready']) {
      const probe = run([target], { PORT: String(port) });
      expect(await probe.exited).toBe(0);
      expect(probe.output()).toContain(`http://127.0.0.1:${port}/proxy/health`);
      const byUrl = run([target, '--url', `http://127.0.0.1:${port}`]);
      expect(await byUrl.exited).toBe(0);
    }
  });

  it('health and ready exit 1 when nothing answers', async () => {
    const port = await freePort();
    for (const target of ['health', 'ready']) {
      const probe = run([target], { PORT: String(port) });
      expect(await probe.exited).toBe(1);
      expect(probe.output()).toContain('no answer');
    }
  });

  it('the Docker image checks its health with the health command', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    expect(dockerfile).toMatch(
      /HEALTHCHECK[^\n]*\\?\n?\s*CMD \["node", "dist\/src\/main\.js", "health"\]/,
    );
  });
});
