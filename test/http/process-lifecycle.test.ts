import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CLIENT_KEY } from '../../src/app.js';
import { TEST_FLAGS } from '../fixtures/test-flags.js';
import { type BuiltProxy, runBuiltProxy } from '../helpers/built-proxy.js';
import { FakeUnleash } from '../helpers/fake-unleash.js';
import { freePort } from '../helpers/free-port.js';
import { waitFor } from '../helpers/wait-for.js';

async function healthy(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/proxy/health`)).status === 200;
  } catch {
    return false;
  }
}

describe('the built proxy as a process', () => {
  const running: BuiltProxy[] = [];
  const fakes: FakeUnleash[] = [];
  const folders: string[] = [];

  afterEach(async () => {
    for (const child of running.splice(0)) {
      if (child.process.exitCode === null) child.process.kill('SIGKILL');
    }
    for (const fake of fakes.splice(0)) await fake.stop();
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  it.each(['offline', 'online'] as const)(
    'on SIGTERM (%s) finishes the request in flight, refuses new connections and exits 0',
    async (mode) => {
      const port = await freePort();
      let key = DEMO_CLIENT_KEY;
      let env: Record<string, string> = { PORT: String(port), LOG_LEVEL: 'info' };
      if (mode === 'online') {
        const fake = await new FakeUnleash(TEST_FLAGS).start();
        fakes.push(fake);
        key = 'process-test-key';
        const backupPath = mkdtempSync(join(tmpdir(), 'proxy-process-test-'));
        folders.push(backupPath);
        env = {
          ...env,
          UNLEASH_URL: fake.url,
          UNLEASH_API_TOKEN: 'server-token',
          UNLEASH_PROXY_CLIENT_KEYS: key,
          UNLEASH_BACKUP_PATH: backupPath,
        };
      }
      const child = runBuiltProxy(env);
      running.push(child);
      await waitFor(() => healthy(port), 'the proxy to be ready', 30_000);

      // A POST whose body arrives in two parts, the second one after SIGTERM.
      const body = JSON.stringify({ context: { userId: 'alice' }, toggles: ['beta-program'] });
      const half = Math.floor(body.length / 2);
      const slow = request(`http://127.0.0.1:${port}/proxy`, {
        method: 'POST',
        headers: {
          authorization: key,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          // The server answers 100 Continue once it has the headers: the request is in flight.
          expect: '100-continue',
        },
      });
      const inFlight = new Promise<void>((resolve) => slow.once('continue', () => resolve()));
      const answered = new Promise<{
        status: number;
        text: string;
        connection: string | undefined;
      }>((resolve, reject) => {
        slow.on('response', (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text, connection: res.headers.connection }),
          );
        });
        slow.on('error', reject);
      });
      slow.flushHeaders();
      await inFlight;
      slow.write(body.slice(0, half));

      child.process.kill('SIGTERM');
      await waitFor(
        () => child.output().includes('shutting down'),
        'the shutdown log line',
        30_000,
      );
      await expect(fetch(`http://127.0.0.1:${port}/proxy/health`)).rejects.toThrow();

      slow.end(body.slice(half));
      const response = await answered;
      expect(response.status).toBe(200);
      const toggles = (JSON.parse(response.text) as { toggles: { name: string }[] }).toggles;
      expect(toggles.map((toggle) => toggle.name)).toEqual(['beta-program']);
      // Not kept alive for reuse: the process need not wait out the keep-alive timeout.
      expect(response.connection).toBe('close');

      expect(await child.exited).toBe(0);
      expect(child.output()).not.toContain('shutdown timeout reached');
    },
    60_000,
  );

  /** A CommonJS strategy file in a folder of its own, as the original proxy's format has it. */
  function strategyFolder(): { folder: string; file: string; flags: string } {
    const folder = mkdtempSync(join(tmpdir(), 'proxy-outside-'));
    folders.push(folder);
    mkdirSync(join(folder, 'strategies'));
    const file = join(folder, 'strategies', 'by-plan.cjs');
    writeFileSync(
      file,
      [
        "const { Strategy } = require('unleash-client');",
        'class ByPlan extends Strategy {',
        "  constructor() { super('byPlan'); }",
        '  isEnabled(parameters, context) { return context.properties.plan === parameters.plan; }',
        '}',
        'module.exports = [new ByPlan()];',
      ].join('\n'),
    );
    const flags = join(folder, 'flags.json');
    const strategy = { name: 'byPlan', parameters: { plan: 'gold' }, constraints: [] };
    writeFileSync(
      flags,
      JSON.stringify({
        version: 2,
        features: [{ name: 'gold', enabled: true, strategies: [strategy] }],
      }),
    );
    mkdirSync(join(folder, 'empty-node-path'));
    return { folder, file, flags };
  }

  it.each([
    ['from its own folder, a relative path, no NODE_PATH', 'folder', undefined],
    ['from /, an absolute path, no NODE_PATH', 'root', undefined],
    ['from its own folder, NODE_PATH elsewhere', 'folder', 'empty-node-path'],
  ] as const)(
    "a CommonJS strategy file outside the proxy gets the proxy's unleash-client (%s)",
    async (_case, where, nodePath) => {
      const { folder, file, flags } = strategyFolder();
      const port = await freePort();
      const child = runBuiltProxy(
        {
          PORT: String(port),
          PROXY_MODE: 'offline',
          UNLEASH_BOOTSTRAP_FILE: flags,
          UNLEASH_PROXY_CLIENT_KEYS: 'outside-key',
          UNLEASH_CUSTOM_STRATEGIES_FILE: where === 'folder' ? 'strategies/by-plan.cjs' : file,
          ...(nodePath === undefined ? {} : { NODE_PATH: join(folder, nodePath) }),
        },
        { cwd: where === 'folder' ? folder : '/' },
      );
      running.push(child);
      await waitFor(
        async () => (await healthy(port)) || child.process.exitCode !== null,
        'the proxy to be ready or to exit',
        30_000,
      );
      expect(child.output()).not.toContain('Cannot find module');
      const names = async (query: string) => {
        const response = await fetch(`http://127.0.0.1:${port}/proxy?${query}`, {
          headers: { authorization: 'outside-key' },
        });
        const body = (await response.json()) as { toggles: { name: string }[] };
        return body.toggles.map((toggle) => toggle.name);
      };
      expect(await names('properties[plan]=gold')).toEqual(['gold']);
      expect(await names('properties[plan]=free')).toEqual([]);
    },
    60_000,
  );

  it('exits 1 on a configuration error, naming every bad variable on stderr and no secret', async () => {
    const child = runBuiltProxy({
      PORT: 'eighty',
      JSON_LOGGER: 'maybe',
      UNLEASH_URL: 'http://127.0.0.1:9/api',
      UNLEASH_API_TOKEN: 'secret-api-token-value',
      UNLEASH_PROXY_CLIENT_KEYS: 'secret-client-key-value',
    });
    running.push(child);
    let stderr = '';
    child.process.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    expect(await child.exited).toBe(1);
    expect(stderr).toContain('PORT="eighty"');
    expect(stderr).toContain('JSON_LOGGER="maybe"');
    expect(stderr).not.toContain('secret-api-token-value');
    expect(stderr).not.toContain('secret-client-key-value');
  });
});
