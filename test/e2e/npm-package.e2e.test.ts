import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort, LOOPBACK } from './support/index.js';
import { repoRoot } from './support/paths.js';
import { runCommand } from './support/run-command.js';

/**
 * The package as npm users get it: `npm pack` (which builds through `prepack`), the tarball
 * installed into an empty folder with nothing of this repository around it, and its binary
 * started from there.
 */

interface PackedFile {
  path: string;
  size: number;
}

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: PackedFile[];
}

function parsePackOutput(stdout: string): PackResult {
  // npm prints the prepack build's output before the JSON on stdout.
  const json: unknown = JSON.parse(stdout.slice(stdout.indexOf('[')));
  if (!Array.isArray(json) || json.length !== 1) throw new Error(`unexpected npm pack output`);
  return json[0] as PackResult;
}

/** Resolves with the line once the child has printed a line containing `text`. */
function lineContaining(child: ChildProcess, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const line = buffered.split('\n').find((candidate) => candidate.includes(text));
      if (line !== undefined) {
        child.stdout?.off('data', onData);
        resolve(line);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`exited with ${code} before printing "${text}":\n${buffered}`)),
    );
  });
}

describe('the npm package', () => {
  const work = mkdtempSync(join(tmpdir(), 'npm-package-'));
  const installFolder = join(work, 'empty-project');
  let packed: PackResult;
  let proxy: ChildProcess | undefined;

  beforeAll(async () => {
    const stdout = await runCommand('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: repoRoot,
      timeoutMs: 180_000,
    });
    packed = parsePackOutput(stdout);
    await runCommand('mkdir', ['-p', installFolder]);
    // No package.json in the folder: exactly what `npm install <tarball>` meets in a new project.
    await runCommand(
      'npm',
      ['install', '--no-audit', '--no-fund', '--omit=dev', join(work, packed.filename)],
      { cwd: installFolder, timeoutMs: 180_000 },
    );
  }, 240_000);

  afterAll(async () => {
    if (proxy && proxy.exitCode === null) {
      proxy.kill('SIGKILL');
      await once(proxy, 'exit');
    }
    rmSync(work, { recursive: true, force: true });
  });

  it('holds the compiled proxy, its flags, examples and licence, and no tests, benchmarks or sources', () => {
    const paths = packed.files.map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'dist/src/main.js',
        'dist/src/index.js',
        'dist/src/index.d.ts',
        'examples/flags.json',
        'strategies/time-window.js',
      ]),
    );
    const unwanted = paths.filter(
      (path) =>
        /^(test|bench|scripts|src|\.ci|\.github|deploy|docs)\//.test(path) ||
        path.endsWith('.map') ||
        path.endsWith('.ts') !== path.endsWith('.d.ts'),
    );
    expect(unwanted).toEqual([]);
    // A guard against a `files` entry that lets a large folder in: today about 150 KB packed.
    expect(packed.size).toBeLessThan(400_000);
  });

  it('installs into an empty folder and its binary starts the proxy, which answers', async () => {
    const bin = join(installFolder, 'node_modules', '.bin', 'unleash-koa-proxy');
    expect(existsSync(bin)).toBe(true);
    const ownVersion = (
      JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }
    ).version;
    const port = await findFreePort();
    proxy = spawn(bin, [], {
      cwd: installFolder,
      // Only what a user's shell would have: no variable of this repository's test setup.
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        LOG_LEVEL: 'info',
        ENABLE_OAS: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The start line: "unleash-koa-proxy <version> listening on ...".
    await lineContaining(proxy, ' listening on ');

    const health = await fetch(`http://${LOOPBACK}:${port}/proxy/health`);
    expect(health.status).toBe(200);
    // Offline on the bundled example flags, which the package must carry.
    const answer = await fetch(`http://${LOOPBACK}:${port}/proxy?userId=alice`, {
      headers: { authorization: 'demo-client-key' },
    });
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { toggles: { name: string }[] };
    expect(body.toggles.length).toBeGreaterThan(0);
    // The proxy finds its own package.json (version, Swagger UI) from inside node_modules.
    const spec = await fetch(`http://${LOOPBACK}:${port}/docs/openapi.json`);
    expect(((await spec.json()) as { info: { version: string } }).info.version).toBe(ownVersion);
    expect((await fetch(`http://${LOOPBACK}:${port}/docs/openapi/`)).status).toBe(200);

    const exited = once(proxy, 'exit');
    proxy.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
  });
});
