import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, type TestContext, vi } from 'vitest';
import { FakeUnleash } from '../helpers/fake-unleash.js';
import { QUICK_UPSTREAM_FAILURES, startProxyOn } from '../helpers/online-proxy.js';
import { type RunningRedis, startRedis } from '../helpers/redis-server.js';
import type { RunningProxy } from '../helpers/start-proxy.js';
import { enabledFlags, servedFlags } from '../helpers/upstream-proxy.js';

// A backup belongs to the Unleash and the token it was fetched with: a proxy pointed at
// another Unleash, or with a token Unleash refuses, must not start ready on it.

type Cleanups = (() => Promise<void> | void)[];

/** A test's own list of things to stop, in reverse order at its end (the tests run at once). */
function cleanupsOf({ onTestFinished }: TestContext): Cleanups {
  const cleanups: Cleanups = [];
  onTestFinished(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  return cleanups;
}

function sharedFolder(cleanups: Cleanups): string {
  const folder = mkdtempSync(join(tmpdir(), 'proxy-backup-scope-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

async function health(proxy: RunningProxy): Promise<number> {
  return (await fetch(`${proxy.origin}/proxy/health`)).status;
}

/** Writes a backup: a proxy syncs once from `fake` with `token`, then stops. */
async function writeBackup(
  fake: FakeUnleash,
  token: string,
  where: { backupPath?: string; redisUrl?: string },
): Promise<void> {
  const writer = await startProxyOn(fake, {
    refreshInterval: 300,
    ...QUICK_UPSTREAM_FAILURES,
    unleashApiToken: token,
    ...where,
  });
  expect(await servedFlags(writer)).toEqual(['from-the-writer']);
  await writer.app.close();
}

/** A proxy that cannot reach its Unleash (nothing listens on the stopped fake's port). */
async function startWithUnleashDown(
  cleanups: Cleanups,
  fake: FakeUnleash,
  token: string,
  where: { backupPath?: string; redisUrl?: string },
): Promise<RunningProxy> {
  const proxy = await startProxyOn(
    fake,
    { refreshInterval: 300, ...QUICK_UPSTREAM_FAILURES, unleashApiToken: token, ...where },
    {},
    { waitUntilReady: false },
  );
  cleanups.push(() => proxy.stop());
  return proxy;
}

describe.concurrent.each([
  ['a backup file', 'file'],
  ['the Redis backup', 'redis'],
] as const)('%s is keyed by Unleash URL and token', (_name, kind) => {
  async function storage(cleanups: Cleanups): Promise<{ backupPath?: string; redisUrl?: string }> {
    if (kind === 'file') return { backupPath: sharedFolder(cleanups) };
    const redis: RunningRedis = await startRedis();
    cleanups.push(() => redis.stop());
    return { redisUrl: redis.url, backupPath: sharedFolder(cleanups) };
  }

  it('is loaded for the same Unleash and token, and the log says which and how old', async (context) => {
    const cleanups = cleanupsOf(context);
    const where = await storage(cleanups);
    const fake = await new FakeUnleash(enabledFlags('from-the-writer')).start();
    await writeBackup(fake, 'default:production.token-a', where);
    await fake.stop();

    const proxy = await startWithUnleashDown(cleanups, fake, 'default:production.token-a', where);
    await proxy.app.ready();
    expect(await servedFlags(proxy)).toEqual(['from-the-writer']);
    expect(proxy.logs()).toMatch(/loaded the flag backup .* written \d+ s ago/);
    expect(proxy.logs()).not.toContain('token-a');
  });

  it('is never served to a proxy with another token', async (context) => {
    const cleanups = cleanupsOf(context);
    const where = await storage(cleanups);
    const fake = await new FakeUnleash(enabledFlags('from-the-writer')).start();
    await writeBackup(fake, 'default:production.token-a', where);
    await fake.stop();

    const proxy = await startWithUnleashDown(cleanups, fake, 'default:production.token-b', where);
    await vi.waitFor(() => expect(proxy.logs()).toMatch(/reported an error/), { timeout: 10_000 });
    expect(await health(proxy)).toBe(503);
  });

  it('is never served to a proxy pointed at another Unleash', async (context) => {
    const cleanups = cleanupsOf(context);
    const where = await storage(cleanups);
    const fake = await new FakeUnleash(enabledFlags('from-the-writer')).start();
    await writeBackup(fake, 'default:production.token-a', where);
    const other = await new FakeUnleash(enabledFlags('other')).start();
    await other.stop();
    await fake.stop();

    const proxy = await startWithUnleashDown(cleanups, other, 'default:production.token-a', where);
    await vi.waitFor(() => expect(proxy.logs()).toMatch(/reported an error/), { timeout: 10_000 });
    expect(await health(proxy)).toBe(503);
  });
});
