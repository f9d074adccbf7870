import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OnlineProxy, startOnlineProxy } from '../helpers/online-proxy.js';
import { type RunningProxy, startProxy } from '../helpers/start-proxy.js';

// Errors the proxy logs while serving are one short line each, with the message and the
// error's class (and code), the way unleash-client's errors are: never a stack trace.

const repoRoot = resolve(import.meta.dirname, '../..');
const fixture = (name: string) => join(repoRoot, 'test/fixtures/plugins', name);
const require = createRequire(import.meta.url);
const COUNTRY_DB = join(
  dirname(require.resolve('@ip-location-db/geolite2-country-mmdb/package.json')),
  'geolite2-country.mmdb',
);
const KEY = 'error-log-key';
const FRONTEND_TOKEN = '*:development.frontend-token-never-logged';

interface LogLine {
  msg: string;
  error?: unknown;
  err?: unknown;
  raw: string;
}

function linesSaying(logs: string, message: string): LogLine[] {
  return logs
    .split('\n')
    .filter((raw) => raw.trim() !== '')
    .map((raw) => ({ ...(JSON.parse(raw) as Omit<LogLine, 'raw'>), raw }))
    .filter((line) => line.msg === message);
}

/** One line, the error as `Class: message`, no stack, short. */
function expectOneLineError(line: LogLine | undefined, startsWith: string): void {
  expect(line).toBeDefined();
  expect(line?.err).toBeUndefined();
  expect(typeof line?.error).toBe('string');
  expect(String(line?.error).startsWith(startsWith)).toBe(true);
  expect(line?.raw).not.toMatch(/\bat .+:\d+:\d+/);
  expect(line?.raw).not.toContain('stack');
  expect(line?.raw.length).toBeLessThan(600);
}

describe('errors of strategies, enrichers and location databases', () => {
  let proxy: RunningProxy;
  const folder = mkdtempSync(join(tmpdir(), 'error-log-'));
  const database = join(folder, 'location.mmdb');

  beforeAll(async () => {
    copyFileSync(COUNTRY_DB, database);
    proxy = await startProxy(
      {},
      {
        PROXY_MODE: 'offline',
        JSON_LOGGER: 'true',
        UNLEASH_BOOTSTRAP_FILE: fixture('flags.json'),
        UNLEASH_PROXY_CLIENT_KEYS: KEY,
        UNLEASH_CUSTOM_STRATEGIES_FILE: fixture('failing-strategies.cjs'),
        EXP_CUSTOM_ENRICHERS_FILE: fixture('enrichers.cjs'),
        PROXY_GEOIP_DATABASE: database,
      },
    );
  });
  afterAll(async () => {
    await proxy.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('logs a throwing custom strategy as one line with its message', async () => {
    const response = await fetch(`${proxy.origin}/proxy`, { headers: { authorization: KEY } });
    expect(response.status).toBe(200);
    const lines = linesSaying(proxy.logs(), 'custom strategy failed; treated as not enabled');
    const throwing = lines.find((line) => line.raw.includes('"strategy":"throwing"'));
    expectOneLineError(throwing, 'Error: strategy exploded');
    // The strategy that returns a Promise: the guard's own TypeError, by its class.
    const async = lines.find((line) => line.raw.includes('"strategy":"async"'));
    expectOneLineError(async, 'TypeError: isEnabled returned a Promise');
  });

  it('logs a throwing enricher as one line with its message', async () => {
    const response = await fetch(`${proxy.origin}/proxy`, {
      headers: { authorization: KEY, 'x-enricher-fault': 'throw' },
    });
    expect(response.status).toBe(500);
    const [line] = linesSaying(proxy.logs(), 'context enricher failed');
    expectOneLineError(line, 'Error: enricher exploded');
  });

  it('logs a location database that cannot be read again as one line', async () => {
    writeFileSync(database, 'not a database');
    const message = 'location database changed but cannot be read; the previous one stays in use';
    await proxy.waitForLog(message);
    const [line] = linesSaying(proxy.logs(), message);
    expectOneLineError(line, 'Error: ');
  });
});

describe('errors of token validation', () => {
  let online: OnlineProxy;
  beforeAll(async () => {
    online = await startOnlineProxy({}, { JSON_LOGGER: 'true' });
  });
  afterAll(async () => {
    await online.stop();
  });

  it('logs Unleash failing to validate a token as one line, without the token', async () => {
    online.fake.validationFault = { kind: 'reset' };
    const response = await fetch(`${online.base}/api/frontend`, {
      headers: { authorization: FRONTEND_TOKEN },
    });
    expect(response.status).toBe(503);
    const [line] = linesSaying(online.proxy.logs(), 'cannot validate tokens with Unleash now');
    expectOneLineError(line, 'TokenValidationError: token validation at ');
    expect(online.proxy.logs()).not.toContain('frontend-token-never-logged');
  });
});
