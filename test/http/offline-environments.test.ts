import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProxy } from '../../src/create-proxy.js';
import { ConfigError } from '../../src/errors.js';
import { type RunningProxy, startProxy } from '../helpers/start-proxy.js';

const KEY = 'offline-environments-key';
const PRODUCTION_TOKEN = '*:production.offline-production-secret';
/** Edge's legacy form, `secret@environment`: clients send the secret. */
const DEVELOPMENT_SECRET = 'offline-development-secret';

const folder = mkdtempSync(join(tmpdir(), 'offline-environments-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A flag file with these flags, each on for everyone or off. */
function flagFile(name: string, flags: Record<string, boolean>): string {
  const path = join(folder, `${name}.json`);
  const features = Object.entries(flags).map(([flag, enabled]) => ({
    name: flag,
    enabled,
    project: 'default',
    strategies: [{ name: 'default', parameters: {} }],
  }));
  writeFileSync(path, JSON.stringify({ version: 2, features }));
  return path;
}

const sharedFile = flagFile('shared', { 'shared-only': true });
const productionFile = flagFile('production', { 'production-only': true, common: true });
const developmentFile = flagFile('development', { 'development-only': true, common: false });

const badStrategiesFile = join(folder, 'bad-strategies.json');
writeFileSync(
  badStrategiesFile,
  JSON.stringify({ features: [{ name: 'broken', enabled: true, strategies: [{}] }] }),
);

const baseEnv = {
  PROXY_MODE: 'offline',
  UNLEASH_BOOTSTRAP_FILE: sharedFile,
  UNLEASH_PROXY_CLIENT_KEYS: KEY,
  PRETRUSTED_TOKENS: `${PRODUCTION_TOKEN},${DEVELOPMENT_SECRET}@development`,
};

async function enabledOn(proxy: RunningProxy, path: string, headers: Record<string, string>) {
  const response = await fetch(`${proxy.origin}${path}`, { headers });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { toggles: { name: string }[] };
  return body.toggles.map((toggle) => toggle.name).sort();
}

async function ofrepFlags(proxy: RunningProxy, token: string) {
  const response = await fetch(`${proxy.origin}/ofrep/v1/evaluate/flags`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ context: { targetingKey: 'user-1' } }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { flags: { key: string; value: unknown }[] };
  return Object.fromEntries(body.flags.map((flag) => [flag.key, flag.value]));
}

describe('offline with UNLEASH_BOOTSTRAP_FILES', () => {
  it("serves each environment's tokens from its own file, and /proxy from UNLEASH_BOOTSTRAP_FILE", async () => {
    const proxy = await startProxy(
      {},
      {
        ...baseEnv,
        UNLEASH_BOOTSTRAP_FILES: `production=${productionFile}, development=${developmentFile}`,
      },
    );
    try {
      expect(await enabledOn(proxy, '/api/frontend', { authorization: PRODUCTION_TOKEN })).toEqual([
        'common',
        'production-only',
      ]);
      expect(
        await enabledOn(proxy, '/api/frontend', { authorization: `Bearer ${DEVELOPMENT_SECRET}` }),
      ).toEqual(['development-only']);
      expect(await ofrepFlags(proxy, PRODUCTION_TOKEN)).toEqual({
        common: true,
        'production-only': true,
      });
      expect(await ofrepFlags(proxy, DEVELOPMENT_SECRET)).toEqual({
        common: false,
        'development-only': true,
      });
      expect(await enabledOn(proxy, '/proxy', { authorization: KEY })).toEqual(['shared-only']);
    } finally {
      await proxy.stop();
    }
  });

  it('without it, the one file still serves every environment', async () => {
    const proxy = await startProxy({}, baseEnv);
    try {
      for (const token of [PRODUCTION_TOKEN, DEVELOPMENT_SECRET]) {
        expect(await enabledOn(proxy, '/api/frontend', { authorization: token })).toEqual([
          'shared-only',
        ]);
      }
    } finally {
      await proxy.stop();
    }
  });

  it.each([
    [
      'a pretrusted token of an environment without a file',
      `production=${productionFile}`,
      'UNLEASH_BOOTSTRAP_FILES has no file for "development", the environment of a PRETRUSTED_TOKENS token',
    ],
    [
      'a file that does not exist',
      `production=${productionFile},development=${join(folder, 'missing.json')}`,
      `UNLEASH_BOOTSTRAP_FILES (development) ${join(folder, 'missing.json')}: cannot read flags`,
    ],
    [
      'a file whose flags would fail at evaluation',
      `production=${productionFile},development=${badStrategiesFile}`,
      `UNLEASH_BOOTSTRAP_FILES (development) ${badStrategiesFile}: features[0]: a strategy has no name`,
    ],
    [
      'an entry that is not environment=path',
      `production=${productionFile},${developmentFile}`,
      'UNLEASH_BOOTSTRAP_FILES=',
    ],
    [
      'an environment given twice',
      `production=${productionFile},production=${developmentFile},development=${developmentFile}`,
      'environment "production" is given more than one file',
    ],
  ])('%s is a boot error', async (_what, files, message) => {
    const env = { ...baseEnv, UNLEASH_BOOTSTRAP_FILES: files };
    await expect(createProxy({}, env)).rejects.toThrow(ConfigError);
    await expect(createProxy({}, env)).rejects.toThrow(message);
  });

  it('is a boot error outside offline mode', async () => {
    const env = { PROXY_MODE: 'demo', UNLEASH_BOOTSTRAP_FILES: `production=${productionFile}` };
    await expect(createProxy({}, env)).rejects.toThrow(
      'UNLEASH_BOOTSTRAP_FILES is set, but it is read with PROXY_MODE=offline only',
    );
  });
});
