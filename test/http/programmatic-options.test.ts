import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { CreateAppOptions, ProxyApp } from '../../src/app.js';
import { createProxy } from '../../src/create-proxy.js';
import { ConfigError } from '../../src/errors.js';
import { TEST_FLAGS } from '../fixtures/test-flags.js';
import { FakeUnleash } from '../helpers/fake-unleash.js';
import { API_TOKEN, CLIENT_KEY, enabledNames, onlineOptions } from '../helpers/online-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * The original proxy's programmatic options, as a program passes them to createProxy: each
 * one honoured, or refused at boot with a message naming it; a misspelt name is refused too.
 */

type Options = Record<string, unknown>;

async function bootProblems(options: Options): Promise<readonly string[]> {
  try {
    const app = await createProxy(options as CreateAppOptions, {});
    await app.close();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

interface Started {
  app: ProxyApp;
  origin: string;
}

describe("the original proxy's programmatic options", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function upstream(): Promise<FakeUnleash> {
    const fake = await new FakeUnleash(TEST_FLAGS).start();
    cleanups.push(() => fake.stop());
    return fake;
  }

  /** createProxy on 127.0.0.1 with the options as given, nothing added but the essentials. */
  async function start(
    fake: FakeUnleash,
    options: Options,
    waitUntilReady = true,
  ): Promise<Started> {
    // The helper's essentials only: no log capture or backup folder as startProxy adds.
    const app = await createProxy(
      onlineOptions(fake, { refreshInterval: 100, ...options } as CreateAppOptions),
      {},
    );
    cleanups.push(() => app.close());
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    if (waitUntilReady) await app.ready();
    return { app, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  const get = (origin: string, path = '/proxy') =>
    fetch(`${origin}${path}`, { headers: { authorization: CLIENT_KEY } });

  function tempFolder(): string {
    const folder = mkdtempSync(join(tmpdir(), 'proxy-programmatic-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    return folder;
  }

  it('logger: every line goes to it, at its level, with its fields and no client key', async () => {
    const calls: { level: string; message: unknown; fields: unknown }[] = [];
    const record = (level: string) => (message: unknown, fields?: unknown) => {
      calls.push({ level, message, fields });
    };
    const logger = {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
      fatal: record('fatal'),
    };
    const fake = await upstream();
    const { origin } = await start(fake, { logger, backupPath: tempFolder() });
    expect((await get(origin)).status).toBe(200);
    await waitFor(
      () => calls.some((call) => call.level === 'info' && call.message === 'request'),
      'the request line',
    );
    const line = calls.find((call) => call.message === 'request');
    expect(line?.fields).toMatchObject({ method: 'GET', route: '/proxy', status: 200 });
    // As with the original, the program's logger decides what to keep: debug lines reach it.
    expect(calls.some((call) => call.level === 'debug')).toBe(true);
    expect(JSON.stringify(calls)).not.toContain(CLIENT_KEY);
  });

  it('useJsonLogger: one JSON object per line', async () => {
    const lines: string[] = [];
    const logDestination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const fake = await upstream();
    const { origin } = await start(fake, {
      useJsonLogger: true,
      logLevel: 'info',
      logDestination,
      backupPath: tempFolder(),
    });
    await get(origin);
    await waitFor(() => lines.some((line) => line.includes('"request"')), 'the request line');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('storageProvider: keeps the backup, and a restart while Unleash is down starts from it', async () => {
    const saved = new Map<string, unknown>();
    const storageProvider = {
      async set(key: string, data: unknown) {
        saved.set(key, data);
      },
      async get(key: string) {
        return saved.get(key);
      },
    };
    const fake = await upstream();
    const first = await start(fake, { storageProvider });
    await waitFor(() => saved.size > 0, 'the backup in the storage provider');
    await first.app.close();

    fake.setFault({ kind: 'status', status: 503 });
    const second = await start(fake, { storageProvider });
    expect(await enabledNames(await get(second.origin))).toContain('always-on');
  });

  it('expBootstrap: starts from its data while Unleash is down', async () => {
    const fake = await upstream();
    fake.setFault({ kind: 'status', status: 503 });
    const data = [
      {
        name: 'from-bootstrap',
        enabled: true,
        strategies: [{ name: 'default', parameters: {}, constraints: [] }],
      },
    ];
    const { origin } = await start(fake, { expBootstrap: { data }, backupPath: tempFolder() });
    expect(await enabledNames(await get(origin))).toEqual(['from-bootstrap']);
  });

  it('expBootstrap: fetches its url with its headers', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((request, response) => {
      seen.push(request.headers);
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(TEST_FLAGS));
    });
    server.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/flags.json`;
    const fake = await upstream();
    fake.setFault({ kind: 'status', status: 503 });
    const { origin } = await start(fake, {
      expBootstrap: { url, urlHeaders: { 'x-bootstrap-key': 'opensesame' } },
      backupPath: tempFolder(),
    });
    expect(await enabledNames(await get(origin))).toContain('always-on');
    expect(seen[0]?.['x-bootstrap-key']).toBe('opensesame');
  });

  it('httpOptions.agent: every request to Unleash goes through the agent it gives', async () => {
    const asked: string[] = [];
    const agent = new Agent({ keepAlive: true });
    cleanups.push(() => agent.destroy());
    const fake = await upstream();
    await start(fake, {
      httpOptions: {
        agent: (url: URL) => {
          asked.push(url.href);
          return agent;
        },
      },
      backupPath: tempFolder(),
    });
    expect(asked.some((href) => href.startsWith(`${fake.url}/client/features`))).toBe(true);
  });

  it('httpOptions.agent: token validation at /edge/validate goes through the agent too', async () => {
    const validations: string[] = [];
    const agent = new Agent({ keepAlive: true });
    cleanups.push(() => agent.destroy());
    const fake = await upstream();
    const frontendToken = '*:development.front-through-agent';
    fake.setTokens([
      { token: API_TOKEN, type: 'backend', environment: 'development', projects: ['*'] },
      { token: frontendToken, type: 'frontend', environment: 'development', projects: ['*'] },
    ]);
    const { origin } = await start(fake, {
      httpOptions: {
        agent: (url: URL) => {
          if (url.pathname === '/edge/validate') validations.push(url.href);
          return agent;
        },
      },
      backupPath: tempFolder(),
    });
    await waitFor(() => fake.requestsTo('/edge/validate').length > 0, 'the boot validation');
    const response = await fetch(`${origin}/api/frontend`, {
      headers: { authorization: frontendToken },
    });
    expect(response.status).toBe(200);
    // The configured token at boot and the frontend token: each call the agent's.
    const validated = fake.requestsTo('/edge/validate').length;
    expect(validated).toBeGreaterThanOrEqual(2);
    expect(validations).toHaveLength(validated);
    expect(validations[0]).toBe(new URL('/edge/validate', fake.url).href);
  });

  it('clientMode: "new" gives each proxy its own client; "singleton" refuses a second while one runs', async () => {
    const fake = await upstream();
    await start(fake, { clientMode: 'new', backupPath: tempFolder() });
    await start(fake, { clientMode: 'new', backupPath: tempFolder() });
    const first = await start(fake, { clientMode: 'singleton', backupPath: tempFolder() });
    const problems = await bootProblems({
      unleashUrl: fake.url,
      unleashApiToken: API_TOKEN,
      clientKeys: [CLIENT_KEY],
      clientMode: 'singleton',
      backupPath: tempFolder(),
    });
    expect(problems).toEqual([expect.stringContaining('option clientMode="singleton"')]);
    await first.app.close();
    await start(fake, { clientMode: 'singleton', backupPath: tempFolder() });
  });

  it.each([
    [
      'a misspelt option',
      { unleashURL: 'http://x.test/api' },
      'option unleashURL: not an option of the proxy (did you mean unleashUrl?)',
    ],
    [
      'a misspelt cors field',
      { cors: { origins: '*' } },
      'option cors.origins: not a field of cors (did you mean origin?)',
    ],
    [
      'a misspelt httpOptions field',
      { httpOptions: { agnet: () => undefined } },
      'option httpOptions.agnet',
    ],
    [
      'a logger without fatal',
      { logger: { debug() {}, info() {}, warn() {}, error() {} } },
      'option logger: expected an object with the methods debug, info, warn, error, fatal (missing: fatal)',
    ],
    [
      'a storage provider without set',
      { storageProvider: { async get() {} } },
      'option storageProvider',
    ],
    [
      'an agent that is not a function',
      { httpOptions: { agent: new Agent() } },
      'option httpOptions.agent',
    ],
    ['a bootstrap of nothing', { expBootstrap: {} }, 'option expBootstrap'],
    [
      'a bootstrap field misspelt',
      { expBootstrap: { file: 'x.json' } },
      'option expBootstrap: unknown field file',
    ],
    ['an unknown client mode', { clientMode: 'shared' }, 'option clientMode'],
    ['a preHook that is not a function', { preHook: 'auth' }, 'option preHook'],
    [
      'a storage provider with REDIS_URL',
      { storageProvider: { async get() {}, async set() {} }, redisUrl: 'redis://127.0.0.1:1' },
      'option storageProvider',
    ],
    [
      'a bootstrap in offline mode',
      { unleashUrl: undefined, clientKeys: ['k'], expBootstrap: { data: [] } },
      'option expBootstrap',
    ],
  ])('refuses %s at boot, naming it', async (_case, options, problem) => {
    const problems = await bootProblems({
      unleashUrl: 'http://127.0.0.1:9/api',
      unleashApiToken: API_TOKEN,
      clientKeys: [CLIENT_KEY],
      ...options,
    });
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining(problem)]));
  });
});
