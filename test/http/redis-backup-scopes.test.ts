import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@redis/client';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeToken, FakeUnleash } from '../helpers/fake-unleash.js';
import { startProxyOn } from '../helpers/online-proxy.js';
import { type RunningRedis, startRedis } from '../helpers/redis-server.js';
import type { RunningProxy } from '../helpers/start-proxy.js';
import { enabledFlags } from '../helpers/upstream-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

// With REDIS_URL and several backend tokens, each scope keeps its own Redis backup: a proxy that
// later cannot reach Unleash serves every environment from that environment's backup only.

const BACKEND_DEV = '*:development.backend-dev';
const BACKEND_PROD = '*:production.backend-prod';
const FRONT_DEV = '*:development.front-dev';
const FRONT_PROD = '*:production.front-prod';
const TOKENS: FakeToken[] = [
  { token: BACKEND_DEV, type: 'client', environment: 'development', projects: ['*'] },
  { token: BACKEND_PROD, type: 'backend', environment: 'production', projects: ['*'] },
  { token: FRONT_DEV, type: 'frontend', environment: 'development', projects: ['*'] },
  { token: FRONT_PROD, type: 'frontend', environment: 'production', projects: ['*'] },
];

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Every flag backup in Redis: its key and the flag names it holds. */
async function redisBackups(url: string): Promise<{ key: string; flags: string[] }[]> {
  const client = createClient({ url });
  await client.connect();
  try {
    const keys = (await client.keys('unleash-koa-proxy:*:flags')).sort();
    return await Promise.all(
      keys.map(async (key) => {
        const text = (await client.get(key)) ?? '{}';
        const parsed = JSON.parse(text) as { features?: { name: string }[] };
        return { key, flags: (parsed.features ?? []).map((flag) => flag.name).sort() };
      }),
    );
  } finally {
    client.destroy();
  }
}

async function frontendFlags(proxy: RunningProxy, token: string): Promise<string[]> {
  const response = await fetch(`${proxy.origin}/api/frontend`, {
    headers: { authorization: token },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { toggles: { name: string }[] };
  return body.toggles.map((toggle) => toggle.name).sort();
}

describe('the Redis backup, with several backend tokens', () => {
  it('is one per scope, and a proxy cut off from Unleash serves each environment its own', async () => {
    const redis: RunningRedis = await startRedis();
    cleanups.push(() => redis.stop());
    const folder = mkdtempSync(join(tmpdir(), 'proxy-redis-scopes-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));

    const fake = await new FakeUnleash().start();
    cleanups.push(() => fake.stop());
    fake.setTokens(TOKENS);
    fake.setStateFor(BACKEND_DEV, enabledFlags('dev-only', 'dev-too'));
    fake.setStateFor(BACKEND_PROD, enabledFlags('prod-only'));

    const options = {
      unleashApiTokens: [BACKEND_DEV, BACKEND_PROD],
      redisUrl: redis.url,
      backupPath: folder,
      refreshInterval: 200,
      metricsInterval: 200,
    };
    const writer = await startProxyOn(fake, options);
    expect(await frontendFlags(writer, FRONT_DEV)).toEqual(['dev-only', 'dev-too']);
    expect(await frontendFlags(writer, FRONT_PROD)).toEqual(['prod-only']);
    await waitFor(
      async () => (await redisBackups(redis.url)).length >= 2,
      'a Redis backup per scope',
    );
    await writer.stop();

    const backups = await redisBackups(redis.url);
    expect(backups).toHaveLength(2);
    expect(backups[0]?.key).not.toBe(backups[1]?.key);
    expect(backups.map((backup) => backup.flags).sort()).toEqual([
      ['dev-only', 'dev-too'],
      ['prod-only'],
    ]);
    for (const { key } of backups) {
      expect(key).not.toContain('backend');
      expect(key).not.toContain('development');
      expect(key).not.toContain('production');
    }

    await fake.stop();
    const reader = await startProxyOn(
      fake,
      { ...options, pretrustedTokens: [FRONT_DEV, FRONT_PROD] },
      {},
      { waitUntilReady: false },
    );
    cleanups.push(() => reader.stop());
    await reader.app.ready();
    expect(await frontendFlags(reader, FRONT_DEV)).toEqual(['dev-only', 'dev-too']);
    expect(await frontendFlags(reader, FRONT_PROD)).toEqual(['prod-only']);
    // Each scope loaded its own key, and nothing else served the flags (no file is written
    // with REDIS_URL, and Unleash is down).
    const loaded = reader.logs().match(/loaded the flag backup from redis \(([^)]+)\)/g) ?? [];
    expect(new Set(loaded).size).toBe(2);
    for (const { key } of backups) expect(reader.logs()).toContain(`from redis (${key})`);
  });
});
