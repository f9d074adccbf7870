import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OfrepProxy, startOfrepProxy } from '../helpers/ofrep-proxy.js';
import { CLIENT_KEY } from '../helpers/online-proxy.js';

describe('OFREP over HTTP', () => {
  let ofrep: OfrepProxy;
  beforeAll(async () => {
    ofrep = await startOfrepProxy();
  });
  afterAll(async () => {
    await ofrep.stop();
  });

  it('maps every kind of flag, decided by its definition', async () => {
    const response = await ofrep.post('/ofrep/v1/evaluate/flags', {
      context: { targetingKey: 'bob', plan: 'silver' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toMatch(/^W\/".+"$/);
    const body = (await response.json()) as { flags: Record<string, unknown>[] };
    const byKey = Object.fromEntries(body.flags.map((flag) => [flag.key, flag]));
    expect(byKey['new-checkout']).toEqual({
      key: 'new-checkout',
      value: true,
      reason: 'TARGETING_MATCH',
      variant: 'disabled',
      metadata: { enabled: true, impressionData: true, project: 'web' },
    });
    expect(byKey['switched-off']).toMatchObject({ value: false, reason: 'DISABLED' });
    expect(byKey['only-alice']).toMatchObject({ value: false, reason: 'DEFAULT' });
    expect(byKey['banner-text']).toEqual({
      key: 'banner-text',
      value: 'Welcome back',
      reason: 'SPLIT',
      variant: 'banner-text-variant',
      metadata: { enabled: true, impressionData: false, project: 'web', payloadType: 'string' },
    });
    expect(byKey['max-items']).toMatchObject({ value: 42, reason: 'SPLIT' });
    expect(byKey.theme).toMatchObject({ value: { color: 'blue', dense: true } });
    expect(byKey['text-off']).toEqual({
      key: 'text-off',
      reason: 'DISABLED',
      variant: 'disabled',
      metadata: { enabled: false, impressionData: false, project: 'web', payloadType: 'string' },
    });
    expect(byKey['broken-number']).toMatchObject({ errorCode: 'PARSE_ERROR' });
    expect(body.flags).toHaveLength(9);
  });

  it('fills userId from targetingKey', async () => {
    const response = await ofrep.post('/ofrep/v1/evaluate/flags/only-alice', {
      context: { targetingKey: 'alice' },
    });
    expect(await response.json()).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
  });

  it('answers 404 FLAG_NOT_FOUND on the single route for an unknown key', async () => {
    const response = await ofrep.post('/ofrep/v1/evaluate/flags/nope', { context: {} });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      key: 'nope',
      errorCode: 'FLAG_NOT_FOUND',
      statusCode: 404,
      code: 'FLAG_NOT_FOUND',
    });
  });

  it('answers 400 PARSE_ERROR for broken JSON and INVALID_CONTEXT for a context that is no object', async () => {
    const broken = await fetch(`${ofrep.base}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: { 'x-api-key': CLIENT_KEY, 'content-type': 'application/json' },
      body: '{"context":',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ errorCode: 'PARSE_ERROR', statusCode: 400 });
    const invalid = await ofrep.post('/ofrep/v1/evaluate/flags/new-checkout', { context: 'x' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      key: 'new-checkout',
      errorCode: 'INVALID_CONTEXT',
    });
  });

  it('accepts Bearer, a bare Authorization and X-API-Key; 401 otherwise', async () => {
    const body = { context: {} };
    for (const headers of [
      { authorization: `Bearer ${CLIENT_KEY}` },
      { authorization: CLIENT_KEY },
      { authorization: '', 'x-api-key': CLIENT_KEY },
    ]) {
      const response = await ofrep.post('/ofrep/v1/evaluate/flags/new-checkout', body, headers);
      expect(response.status).toBe(200);
    }
    const refused = await ofrep.post('/ofrep/v1/evaluate/flags/new-checkout', body, {
      authorization: 'Bearer wrong',
    });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ errorCode: 'GENERAL', statusCode: 401 });
  });

  it('gives 304 for the same context and ETag, 200 when any attribute changed', async () => {
    const first = await ofrep.post('/ofrep/v1/evaluate/flags', {
      context: { targetingKey: 'bob', plan: 'silver' },
    });
    const etag = first.headers.get('etag') ?? '';
    const same = await ofrep.post(
      '/ofrep/v1/evaluate/flags',
      { context: { plan: 'silver', targetingKey: 'bob' } },
      { 'if-none-match': etag },
    );
    expect(same.status).toBe(304);
    const changed = await ofrep.post(
      '/ofrep/v1/evaluate/flags',
      { context: { targetingKey: 'bob', plan: 'gold' } },
      { 'if-none-match': etag },
    );
    expect(changed.status).toBe(200);
    const flags = ((await changed.json()) as { flags: { key: string; value?: unknown }[] }).flags;
    expect(flags.find((flag) => flag.key === 'gold-plan')?.value).toBe(true);
  });

  it('lets a browser send the OFREP headers and read the ETag (CORS)', async () => {
    const preflight = await fetch(`${ofrep.base}/ofrep/v1/evaluate/flags`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization,x-api-key,if-none-match',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toBe(
      'content-type,authorization,x-api-key,if-none-match',
    );
    const answer = await ofrep.post(
      '/ofrep/v1/evaluate/flags',
      { context: {} },
      { origin: 'https://app.example' },
    );
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-expose-headers')).toBe('ETag');
  });
});
