import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeToken, FakeUnleash } from '../helpers/fake-unleash.js';
import { startProxyOn } from '../helpers/online-proxy.js';
import type { RunningProxy } from '../helpers/start-proxy.js';

const BACKEND_DEV = '*:development.ofrep-backend-dev';
const BACKEND_PROD = '*:production.ofrep-backend-prod';
const FRONT_WEB_PROD = 'web:production.ofrep-front-web';
const CLIENT_KEY = 'ofrep-tokens-client-key';
const TOKENS: FakeToken[] = [
  { token: BACKEND_DEV, type: 'client', environment: 'development', projects: ['*'] },
  { token: BACKEND_PROD, type: 'backend', environment: 'production', projects: ['*'] },
  { token: FRONT_WEB_PROD, type: 'frontend', environment: 'production', projects: ['web'] },
];

const flag = (name: string, project: string, enabled = true) => ({
  name,
  project,
  enabled,
  strategies: [{ name: 'default', parameters: {}, constraints: [] }],
  variants: [],
  impressionData: false,
});

const DEV_FLAGS = [flag('dev-only', 'web')];
const PROD_FLAGS = [flag('prod-web', 'web'), flag('prod-web-off', 'web', false)];
const PROD_OTHER_PROJECT = flag('prod-shop', 'shop');

interface OfrepBody {
  flags?: { key: string; value?: unknown; reason?: string }[];
  eventStreams?: unknown;
  key?: string;
  value?: unknown;
  errorCode?: string;
  statusCode?: number;
  code?: string;
}

describe('OFREP with Unleash frontend tokens, as /api/frontend takes them', () => {
  let fake: FakeUnleash;
  let proxy: RunningProxy;

  const post = async (path: string, headers: Record<string, string>) => {
    const response = await fetch(`${proxy.origin}/ofrep/v1/evaluate/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ context: { targetingKey: 'alice' } }),
    });
    return { status: response.status, body: (await response.json()) as OfrepBody };
  };
  const keys = (body: OfrepBody) => (body.flags ?? []).map((f) => f.key);

  beforeAll(async () => {
    fake = await new FakeUnleash().start();
    fake.setTokens(TOKENS);
    fake.setStateFor(BACKEND_DEV, { features: DEV_FLAGS });
    fake.setStateFor(BACKEND_PROD, { features: [...PROD_FLAGS, PROD_OTHER_PROJECT] });
    proxy = await startProxyOn(
      fake,
      {
        unleashApiTokens: [BACKEND_DEV, BACKEND_PROD],
        clientKeys: [CLIENT_KEY],
        refreshInterval: 200,
        metricsInterval: 200,
      },
      {},
    );
  });

  afterAll(async () => {
    await proxy?.stop();
    await fake?.stop();
  });

  it("gives a frontend token its environment's flags of its projects, in every header form", async () => {
    for (const headers of [
      { authorization: `Bearer ${FRONT_WEB_PROD}` },
      { authorization: FRONT_WEB_PROD },
      { 'x-api-key': FRONT_WEB_PROD },
    ]) {
      const bulk = await post('flags', headers);
      expect(bulk.status).toBe(200);
      // production's flags, disabled ones included; not development's, not project shop's
      expect(keys(bulk.body).sort()).toEqual(['prod-web', 'prod-web-off']);
      // the stream of the token's scope, with the token (public by design) in its URL
      expect(bulk.body.eventStreams).toEqual([
        {
          type: 'sse',
          endpoint: { requestUri: `/ofrep/v1/events?token=${encodeURIComponent(FRONT_WEB_PROD)}` },
          inactivityDelaySec: 120,
        },
      ]);
    }
    const one = await post('flags/prod-web', { authorization: `Bearer ${FRONT_WEB_PROD}` });
    expect(one).toMatchObject({ status: 200, body: { key: 'prod-web', value: true } });
  });

  it("answers FLAG_NOT_FOUND for another project's flag and another environment's", async () => {
    for (const key of ['prod-shop', 'dev-only']) {
      const answer = await post(`flags/${key}`, { authorization: `Bearer ${FRONT_WEB_PROD}` });
      expect(answer).toMatchObject({
        status: 404,
        body: { key, errorCode: 'FLAG_NOT_FOUND', statusCode: 404 },
      });
    }
  });

  it('refuses a backend token with 403 and an unknown token with 401, in OFREP error bodies', async () => {
    for (const path of ['flags', 'flags/prod-web']) {
      const backend = await post(path, { authorization: `Bearer ${BACKEND_PROD}` });
      expect(backend).toMatchObject({
        status: 403,
        body: { errorCode: 'GENERAL', statusCode: 403, code: 'WRONG_TOKEN_TYPE' },
      });
      const unknown = await post(path, { 'x-api-key': 'web:production.not-issued' });
      expect(unknown).toMatchObject({
        status: 401,
        body: { errorCode: 'GENERAL', statusCode: 401, code: 'INVALID_TOKEN' },
      });
    }
  });

  it('keeps client keys on the default flag set, with the event stream advertised', async () => {
    const bulk = await post('flags', { authorization: `Bearer ${CLIENT_KEY}` });
    expect(bulk.status).toBe(200);
    expect(keys(bulk.body)).toEqual(['dev-only']);
    expect(bulk.body.eventStreams).toBeDefined();
  });
});
