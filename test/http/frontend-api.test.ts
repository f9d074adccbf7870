import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeToken, FakeUnleash } from '../helpers/fake-unleash.js';
import { startProxyOn } from '../helpers/online-proxy.js';
import type { RunningProxy } from '../helpers/start-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

const BACKEND_DEV = '*:development.backend-dev';
const BACKEND_PROD = '*:production.backend-prod';
const TOKENS: FakeToken[] = [
  { token: BACKEND_DEV, type: 'client', environment: 'development', projects: ['*'] },
  { token: BACKEND_PROD, type: 'backend', environment: 'production', projects: ['*'] },
  {
    token: '*:development.front-dev',
    type: 'frontend',
    environment: 'development',
    projects: ['*'],
  },
  {
    token: 'web:production.front-web',
    type: 'frontend',
    environment: 'production',
    projects: ['web'],
  },
  { token: '*:staging.front-staging', type: 'frontend', environment: 'staging', projects: ['*'] },
  { token: '*:*.admin', type: 'admin', environment: '*', projects: ['*'] },
];

const on = (name: string, project: string) => ({
  name,
  project,
  enabled: true,
  strategies: [{ name: 'default', parameters: {}, constraints: [] }],
  variants: [],
  impressionData: false,
});
const off = (name: string, project: string) => ({ ...on(name, project), enabled: false });

const DEV_FLAGS = [on('dev-only', 'default'), on('shared', 'web'), off('dev-off', 'web')];
const PROD_FLAGS = [on('prod-web', 'web'), on('prod-shop', 'shop'), off('prod-web-off', 'web')];

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
}

describe('Unleash frontend and client APIs, two environments in one instance', () => {
  let fake: FakeUnleash;
  let proxy: RunningProxy;
  let base: string;
  let backupPath: string;

  const get = (path: string, token?: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      headers: { ...(token === undefined ? {} : { authorization: token }), ...headers },
    });
  const names = async (response: Response) =>
    ((await response.json()) as { toggles: { name: string }[] }).toggles.map((t) => t.name);

  beforeAll(async () => {
    fake = await new FakeUnleash().start();
    fake.setTokens(TOKENS);
    fake.setStateFor(BACKEND_DEV, { features: DEV_FLAGS });
    fake.setStateFor(BACKEND_PROD, { features: PROD_FLAGS });
    proxy = await startProxyOn(
      fake,
      {
        unleashApiTokens: [BACKEND_DEV, BACKEND_PROD],
        refreshInterval: 200,
        metricsInterval: 200,
        enableAllEndpoint: true,
      },
      {},
    );
    base = proxy.origin;
    backupPath = proxy.app.config.backupPath ?? '';
  });

  afterAll(async () => {
    await proxy?.stop();
    await fake?.stop();
  });

  it("answers a frontend token from its environment's flags, enabled ones", async () => {
    const response = await get('/api/frontend', '*:development.front-dev');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await names(response)).toEqual(['dev-only', 'shared']);
  });

  it('filters to the token projects, with Bearer accepted, on both paths', async () => {
    for (const path of ['/api/frontend', '/api/proxy']) {
      const response = await get(path, 'Bearer web:production.front-web');
      expect(await names(response)).toEqual(['prod-web']);
    }
    const all = await get('/api/frontend/all', 'web:production.front-web');
    expect(await names(all)).toEqual(['prod-web', 'prod-web-off']);
  });

  it('reads the context from a POST body and answers 304 to a matching If-None-Match', async () => {
    const post = (etag?: string) =>
      fetch(`${base}/api/frontend`, {
        method: 'POST',
        headers: {
          authorization: '*:development.front-dev',
          'content-type': 'application/json',
          ...(etag ? { 'if-none-match': etag } : {}),
        },
        body: JSON.stringify({ context: { userId: 'alice' } }),
      });
    const first = await post();
    expect(await names(first)).toEqual(['dev-only', 'shared']);
    const etag = first.headers.get('etag') ?? '';
    expect((await post(etag)).status).toBe(304);
  });

  it('answers one flag by name, disabled included, and 404 outside the token projects', async () => {
    const response = await get('/api/frontend/features/prod-web-off', 'web:production.front-web');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ name: 'prod-web-off', enabled: false });
    const outside = await get('/api/frontend/features/prod-shop', 'web:production.front-web');
    expect(outside.status).toBe(404);
    const unknown = await get('/api/proxy/features/nope', 'web:production.front-web');
    expect(unknown.status).toBe(404);
  });

  it('answers as Unleash: 401 without or with an unknown token, 403 for other kinds', async () => {
    const statusOf = async (token?: string) => {
      const response = await get('/api/frontend', token);
      return { status: response.status, body: (await response.json()) as ErrorBody };
    };
    expect(await statusOf()).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN' } });
    expect(await statusOf('*:development.nobody')).toMatchObject({ status: 401 });
    expect(await statusOf(BACKEND_DEV)).toMatchObject({
      status: 403,
      body: { code: 'WRONG_TOKEN_TYPE', details: { presented: 'backend', expected: 'frontend' } },
    });
    expect(await statusOf('*:*.admin')).toMatchObject({ status: 403 });
  });

  it('names the scope no configured token covers', async () => {
    const response = await get('/api/frontend', '*:staging.front-staging');
    expect(response.status).toBe(403);
    const body = (await response.json()) as ErrorBody;
    expect(body).toMatchObject({ code: 'SCOPE_NOT_COVERED', details: { missing: '*:staging' } });
    expect(body.message).toContain('*:staging');
  });

  it('serves backend tokens the flag definitions of their environment, with filters and 304', async () => {
    const response = await get('/api/client/features', BACKEND_PROD);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { features: { name: string }[] };
    expect(body.features.map((f) => f.name)).toEqual(['prod-web', 'prod-shop', 'prod-web-off']);
    const filtered = await get(
      '/api/client/features?project=web&namePrefix=prod-web-',
      BACKEND_PROD,
    );
    const filteredBody = (await filtered.json()) as { features: { name: string }[] };
    expect(filteredBody.features.map((f) => f.name)).toEqual(['prod-web-off']);
    const etag = response.headers.get('etag') ?? '';
    expect(
      (await get('/api/client/features', BACKEND_PROD, { 'if-none-match': etag })).status,
    ).toBe(304);
    const one = await get('/api/client/features/dev-only', BACKEND_DEV);
    expect(await one.json()).toMatchObject({ name: 'dev-only', project: 'default' });
    expect((await get('/api/client/features/prod-web', BACKEND_DEV)).status).toBe(404);
    expect((await get('/api/client/features', '*:development.front-dev')).status).toBe(403);
  });

  it('forwards usage counts with a backend token of their environment', async () => {
    const response = await fetch(`${base}/api/frontend/client/metrics`, {
      method: 'POST',
      headers: { authorization: 'web:production.front-web', 'content-type': 'application/json' },
      body: JSON.stringify({
        appName: 'web',
        instanceId: 'browser',
        bucket: {
          start: new Date().toISOString(),
          stop: new Date().toISOString(),
          toggles: { 'prod-web': { yes: 3, no: 1, variants: {} } },
        },
      }),
    });
    expect(response.status).toBe(200);
    await waitFor(
      () =>
        fake
          .requestsTo('/api/client/metrics')
          .some((request) => JSON.stringify(request.body).includes('prod-web')),
      'the production counts upstream',
    );
    const upload = fake
      .requestsTo('/api/client/metrics')
      .find((request) => JSON.stringify(request.body).includes('prod-web'));
    expect(upload?.headers.authorization).toBe(BACKEND_PROD);
  });

  it('is ready with every scope loaded, at the original and at Edge paths', async () => {
    for (const path of ['/proxy/health/ready', '/internal-backstage/ready']) {
      expect((await get(path)).status).toBe(200);
    }
    expect((await get('/internal-backstage/health')).status).toBe(200);
    const metrics = await (await get('/internal-backstage/metrics')).text();
    expect(metrics).toContain('unleash_proxy_environment_flags{environment="production"} 3');
    expect(metrics).toContain(
      'unleash_proxy_environment_requests_total{environment="production",kind="frontend"}',
    );
  });

  it('keeps one backup per scope, each with its own flags', async () => {
    await waitFor(() => readdirSync(backupPath).length >= 2, 'two backups');
    const contents = readdirSync(backupPath).map((file) =>
      readFileSync(`${backupPath}/${file}`, 'utf8'),
    );
    expect(contents.filter((text) => text.includes('dev-only'))).toHaveLength(1);
    expect(contents.filter((text) => text.includes('prod-shop'))).toHaveLength(1);
    expect(contents.some((text) => text.includes('dev-only') && text.includes('prod-shop'))).toBe(
      false,
    );
    expect(readdirSync(backupPath).join(' ')).not.toContain('backend');
  });
});

describe('a configured backend token revoked in Unleash', () => {
  it('drops its scope at the next revalidation: its environment gets the naming 403', async () => {
    const fake = await new FakeUnleash().start();
    fake.setTokens(TOKENS);
    fake.setStateFor(BACKEND_DEV, { features: DEV_FLAGS });
    fake.setStateFor(BACKEND_PROD, { features: PROD_FLAGS });
    const proxy = await startProxyOn(fake, {
      unleashApiTokens: [BACKEND_DEV, BACKEND_PROD],
      refreshInterval: 200,
      tokenRevalidationIntervalSeconds: 1,
    });
    try {
      const statusFor = async (token: string) =>
        (await fetch(`${proxy.origin}/api/frontend`, { headers: { authorization: token } })).status;
      expect(await statusFor('web:production.front-web')).toBe(200);
      fake.setTokens(TOKENS.filter((token) => token.token !== BACKEND_PROD));
      await waitFor(
        async () => (await statusFor('web:production.front-web')) === 403,
        'the production scope to be dropped',
      );
      expect(await statusFor('*:development.front-dev')).toBe(200);
      expect(proxy.logs()).toContain('Unleash revoked a configured token');
      expect(proxy.logs()).not.toContain('backend-prod');
    } finally {
      await proxy.stop();
      await fake.stop();
    }
  });
});
