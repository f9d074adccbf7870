import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createProxy } from '../../src/create-proxy.js';
import { ConfigError } from '../../src/errors.js';
import type { RequestView } from '../../src/plugins/types.js';
import { type RunningProxy, startProxy } from '../helpers/start-proxy.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const fixture = (name: string) => join(repoRoot, 'test/fixtures/plugins', name);
const KEY = 'plugins-test-key';

const env = {
  PROXY_MODE: 'offline',
  UNLEASH_BOOTSTRAP_FILE: fixture('flags.json'),
  UNLEASH_PROXY_CLIENT_KEYS: KEY,
  UNLEASH_CUSTOM_STRATEGIES_FILE: [
    fixture('original-format.cjs'),
    join(repoRoot, 'strategies/property-allow-list.js'),
    fixture('failing-strategies.cjs'),
  ].join(','),
  EXP_CUSTOM_ENRICHERS_FILE: fixture('enrichers.cjs'),
};

async function enabledFlags(proxy: RunningProxy, headers: Record<string, string> = {}) {
  const response = await fetch(`${proxy.origin}/proxy`, {
    headers: { authorization: KEY, ...headers },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { toggles: { name: string }[] };
  return body.toggles.map((toggle) => toggle.name).sort();
}

describe('custom strategies and enrichers loaded from files', () => {
  let proxy: RunningProxy;
  const seen: RequestView[] = [];
  beforeAll(async () => {
    proxy = await startProxy(
      {
        customEnrichers: [
          (context, request) => {
            seen.push(request);
            return context;
          },
        ],
      },
      env,
    );
  });
  afterAll(async () => {
    await proxy.stop();
  });

  it('evaluates flags with a strategy from a file', async () => {
    expect(await enabledFlags(proxy)).toEqual(['fragile-with-fallback', 'from-file']);
  });

  it('lets an enricher change the result: a header becomes the property an allow-list reads', async () => {
    expect(await enabledFlags(proxy, { 'x-tenant': 'acme' })).toContain('acme-only');
    expect(await enabledFlags(proxy, { 'x-tenant': 'umbrella' })).not.toContain('acme-only');
  });

  it('counts a throwing strategy as not enabled, answers 200, and logs it once', async () => {
    for (let request = 0; request < 5; request += 1) {
      const flags = await enabledFlags(proxy);
      expect(flags).not.toContain('fragile');
      expect(flags).not.toContain('fragile-async');
      expect(flags).toContain('fragile-with-fallback');
    }
    const logs = proxy.logs();
    expect(logs.match(/custom strategy failed.*strategy=throwing/g)).toHaveLength(1);
    expect(logs.match(/custom strategy failed.*strategy=async/g)).toHaveLength(1);
  });

  it('answers 500 ENRICHER_FAILED for a throwing enricher, logs it, and keeps serving', async () => {
    const response = await fetch(`${proxy.origin}/proxy`, {
      headers: { authorization: KEY, 'x-enricher-fault': 'throw' },
    });
    expect(response.status).toBe(500);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ statusCode: 500, code: 'ENRICHER_FAILED' });
    expect(JSON.stringify(body)).not.toContain('exploded');
    expect(proxy.logs()).toContain('enricher exploded');
    expect(await enabledFlags(proxy)).toContain('from-file');
  });

  it('answers 500 ENRICHER_FAILED for an enricher that returns no context', async () => {
    const response = await fetch(`${proxy.origin}/proxy`, {
      headers: { authorization: KEY, 'x-enricher-fault': 'null' },
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: 'ENRICHER_FAILED' });
  });

  it('shows enrichers a frozen view of the request, without the client key', async () => {
    seen.length = 0;
    await fetch(`${proxy.origin}/proxy?userId=alice`, {
      headers: { authorization: KEY, 'X-Custom-Header': 'yes' },
    });
    const [request] = seen;
    expect(request).toMatchObject({ method: 'GET', path: '/proxy', clientIp: '127.0.0.1' });
    expect(request?.headers['x-custom-header']).toBe('yes');
    expect(request?.headers).not.toHaveProperty('authorization');
    expect(Object.isFrozen(request)).toBe(true);
    expect(Object.isFrozen(request?.headers)).toBe(true);
  });
});

describe('an ES module strategy and enricher, given together with instances in code', () => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await startProxy(
      {
        customStrategies: [{ name: 'throwing', isEnabled: () => true }],
      },
      {
        PROXY_MODE: 'offline',
        UNLEASH_BOOTSTRAP_FILE: fixture('flags.json'),
        UNLEASH_PROXY_CLIENT_KEYS: KEY,
        UNLEASH_CUSTOM_STRATEGIES_FILE: fixture('original-format.mjs'),
        EXP_CUSTOM_ENRICHERS_FILE: fixture('enrichers.mjs'),
      },
    );
  });
  afterAll(async () => {
    await proxy.stop();
  });

  it('uses the strategy given in code', async () => {
    expect(await enabledFlags(proxy)).toContain('fragile');
  });

  it('evaluates with the ESM strategy on the context the ESM enricher completed', async () => {
    expect(await enabledFlags(proxy)).toContain('esm-pro');
    const response = await fetch(`${proxy.origin}/proxy?plan=free`, {
      headers: { authorization: KEY },
    });
    const body = (await response.json()) as { toggles: { name: string }[] };
    expect(body.toggles.map((toggle) => toggle.name)).not.toContain('esm-pro');
  });
});

describe('starting with broken plugin files', () => {
  it('rejects before anything listens, naming the file and the problem', async () => {
    const starting = createProxy(
      {},
      {
        ...env,
        UNLEASH_CUSTOM_STRATEGIES_FILE: fixture('not-an-array.cjs'),
        EXP_CUSTOM_ENRICHERS_FILE: fixture('missing-enrichers.cjs'),
      },
    );
    const error = await starting.catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(
      `UNLEASH_CUSTOM_STRATEGIES_FILE ${fixture('not-an-array.cjs')}: expected the module to export an array`,
    );
    expect((error as ConfigError).message).toContain(
      `EXP_CUSTOM_ENRICHERS_FILE ${fixture('missing-enrichers.cjs')}: file not found`,
    );
  });

  it('tells a caller of the synchronous createApp to use createProxy for files', () => {
    expect(() => createApp({}, env)).toThrow(/use `await createProxy\(options\)`/);
  });

  it('refuses a custom strategy that takes the name of a built-in one', async () => {
    await expect(
      createProxy({ customStrategies: [{ name: 'default', isEnabled: () => true }] }, {}),
    ).rejects.toThrow('custom strategy "default" has the name of a built-in strategy');
  });
});
