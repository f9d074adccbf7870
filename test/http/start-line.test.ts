import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BuiltProxy, runBuiltProxy } from '../helpers/built-proxy.js';
import { FakeUnleash } from '../helpers/fake-unleash.js';
import { freePort } from '../helpers/free-port.js';
import { QUICK_UPSTREAM_FAILURES, startProxyOn } from '../helpers/online-proxy.js';
import type { RunningProxy } from '../helpers/start-proxy.js';
import { enabledFlags } from '../helpers/upstream-proxy.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function folderWithPlugins(): { strategies: string; enrichers: string } {
  const folder = mkdtempSync(join(tmpdir(), 'proxy-start-line-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  const strategies = join(folder, 'strategies.cjs');
  writeFileSync(
    strategies,
    "module.exports = [{ name: 'byPlan', isEnabled: () => true }, { name: 'byTeam', isEnabled: () => false }];",
  );
  const enrichers = join(folder, 'enrichers.mjs');
  writeFileSync(enrichers, 'export default [(context) => context];');
  return { strategies, enrichers };
}

async function onlineProcess(
  logLevel: string | undefined,
): Promise<{ child: BuiltProxy; port: number }> {
  const fake = await new FakeUnleash(enabledFlags('a')).start();
  cleanups.push(() => fake.stop());
  const backup = mkdtempSync(join(tmpdir(), 'proxy-start-line-backup-'));
  cleanups.push(() => rmSync(backup, { recursive: true, force: true }));
  const { strategies, enrichers } = folderWithPlugins();
  const url = new URL(fake.url);
  url.username = 'operator';
  url.password = 'hunter2';
  const port = await freePort();
  const child = runBuiltProxy({
    PORT: String(port),
    UNLEASH_URL: url.toString(),
    UNLEASH_API_TOKEN: 'default:production.secret-token',
    UNLEASH_PROXY_CLIENT_KEYS: 'start-line-key',
    UNLEASH_BACKUP_PATH: backup,
    PROXY_BASE_PATH: '/flags',
    UNLEASH_CUSTOM_STRATEGIES_FILE: strategies,
    EXP_CUSTOM_ENRICHERS_FILE: enrichers,
    ...(logLevel === undefined ? {} : { LOG_LEVEL: logLevel }),
  });
  cleanups.push(() => {
    if (child.process.exitCode === null) child.process.kill('SIGKILL');
  });
  return { child, port };
}

describe('the start line', () => {
  it('is printed once at the default level: address, base path, mode, upstream, plugins', async () => {
    const { child } = await onlineProcess(undefined);
    await vi.waitFor(() => expect(child.output()).toContain('listening on'), { timeout: 15_000 });
    const lines = child
      .output()
      .split('\n')
      .filter((line) => line.includes('listening on'));
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatch(/listening on [^ ]+:\d+/);
    expect(line).toContain('basePath=/flags');
    expect(line).toContain('mode=online');
    expect(line).toMatch(/upstream=http:\/\/127\.0\.0\.1:\d+\/api/);
    expect(line).toContain('byPlan');
    expect(line).toContain('byTeam');
    expect(line).toContain('enrichers=1');
    expect(child.output()).not.toContain('hunter2');
    expect(child.output()).not.toContain('secret-token');
  });

  it('is not printed with LOG_LEVEL=silent', async () => {
    const { child, port } = await onlineProcess('silent');
    await vi.waitFor(
      async () =>
        expect((await fetch(`http://127.0.0.1:${port}/flags/proxy/health`)).status).toBe(200),
      { timeout: 15_000 },
    );
    // Listening came before answering; stopping flushes whatever was written.
    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    expect(child.output()).toBe('');
  });
});

describe('errors from unleash-client', () => {
  let proxy: RunningProxy | undefined;

  it('are logged as one short line each, not stack dumps', async () => {
    const fake = await new FakeUnleash(enabledFlags('a')).start();
    cleanups.push(() => fake.stop());
    await fake.stop();
    proxy = await startProxyOn(fake, QUICK_UPSTREAM_FAILURES, {}, { waitUntilReady: false });
    cleanups.push(() => proxy?.stop());
    await vi.waitFor(
      () =>
        expect(proxy?.logs().match(/unleash-client reported an error/g)?.length).toBeGreaterThan(1),
      { timeout: 10_000 },
    );
    const lines = (proxy?.logs() ?? '')
      .split('\n')
      .filter((line) => line.includes('unleash-client'));
    for (const line of lines) expect(line.length).toBeLessThan(400);
    expect(proxy?.logs()).not.toMatch(/\n\s+at /);
  });
});
