import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OfrepProxy, startOfrepProxy } from '../helpers/ofrep-proxy.js';
import { CLIENT_KEY } from '../helpers/online-proxy.js';

let domainCount = 0;

/** A client of the real server provider, counting the requests it sends. */
async function serverClient(ofrep: OfrepProxy, statuses: number[] = []) {
  domainCount += 1;
  const domain = `server-${domainCount}`;
  const provider = new OFREPProvider({
    baseUrl: ofrep.base,
    headers: [['X-API-Key', CLIENT_KEY]],
    fetchImplementation: async (input: Request | string | URL, init?: RequestInit) => {
      const response = await fetch(input, init);
      statuses.push(response.status);
      return response;
    },
  });
  await OpenFeature.setProviderAndWait(domain, provider);
  return OpenFeature.getClient(domain);
}

describe('@openfeature/ofrep-provider with @openfeature/server-sdk against the proxy', () => {
  let ofrep: OfrepProxy;
  let always: OfrepProxy;
  beforeAll(async () => {
    ofrep = await startOfrepProxy();
    always = await startOfrepProxy({ ofrepAlwaysSendValue: true });
  });
  afterAll(async () => {
    await OpenFeature.close();
    await ofrep.stop();
    await always.stop();
  });

  it('resolves boolean, string, number and object flags for each context', async () => {
    const client = await serverClient(ofrep);
    expect(
      await client.getBooleanDetails('only-alice', false, { targetingKey: 'alice' }),
    ).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
    expect(
      await client.getBooleanDetails('only-alice', true, { targetingKey: 'bob' }),
    ).toMatchObject({
      value: false,
      reason: 'DEFAULT',
    });
    expect(
      await client.getBooleanValue('gold-plan', false, { targetingKey: 'bob', plan: 'gold' }),
    ).toBe(true);
    expect(await client.getStringDetails('banner-text', 'hi')).toMatchObject({
      value: 'Welcome back',
      reason: 'SPLIT',
      variant: 'banner-text-variant',
      flagMetadata: { payloadType: 'string', project: 'web', enabled: true },
    });
    expect(await client.getNumberValue('max-items', 0)).toBe(42);
    expect(await client.getObjectValue('theme', {})).toEqual({ color: 'blue', dense: true });
  });

  it('reports TYPE_MISMATCH, FLAG_NOT_FOUND and PARSE_ERROR with the default value', async () => {
    const client = await serverClient(ofrep);
    expect(await client.getNumberDetails('banner-text', 7)).toMatchObject({
      value: 7,
      errorCode: 'TYPE_MISMATCH',
    });
    expect(await client.getBooleanDetails('no-such-flag', true)).toMatchObject({
      value: true,
      errorCode: 'FLAG_NOT_FOUND',
    });
    expect(await client.getNumberDetails('broken-number', 3)).toMatchObject({
      value: 3,
      errorCode: 'PARSE_ERROR',
    });
  });

  it('refuses an answer without value, which OFREP_ALWAYS_SEND_VALUE=true avoids', async () => {
    const plain = await serverClient(ofrep);
    expect(await plain.getStringDetails('text-off', 'fallback')).toMatchObject({
      value: 'fallback',
      reason: 'ERROR',
    });
    const withValue = await serverClient(always);
    expect(await withValue.getStringDetails('text-off', 'fallback')).toMatchObject({
      value: '',
      reason: 'DISABLED',
    });
    expect(await withValue.getNumberDetails('max-items', 0)).toMatchObject({ value: 42 });
  });
});

describe('@openfeature/ofrep-provider and a 429', () => {
  let ofrep: OfrepProxy;
  beforeAll(async () => {
    ofrep = await startOfrepProxy({ rateLimitPerKey: 1 });
  });
  afterAll(async () => {
    await OpenFeature.close();
    await ofrep.stop();
  });

  it('pauses until Retry-After instead of asking again', async () => {
    const statuses: number[] = [];
    const client = await serverClient(ofrep, statuses);
    // Uses up the key's requests of this second, so that the provider's next one gets a 429.
    for (;;) {
      const response = await ofrep.post('/ofrep/v1/evaluate/flags/new-checkout', { context: {} });
      await response.arrayBuffer();
      if (response.status === 429) break;
    }
    expect(await client.getBooleanDetails('new-checkout', false)).toMatchObject({
      reason: 'ERROR',
    });
    expect(await client.getBooleanDetails('new-checkout', false)).toMatchObject({
      reason: 'ERROR',
      errorMessage: expect.stringContaining('paused'),
    });
    expect(statuses).toEqual([429]);
  });
});
