import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  enabledNames,
  type OnlineProxy,
  postJson,
  startOnlineProxy,
  togglesOf,
} from '../helpers/online-proxy.js';

describe('POST /proxy', () => {
  let online: OnlineProxy;
  beforeAll(async () => {
    online = await startOnlineProxy({ bodyLimitBytes: 4096 });
  });
  afterAll(async () => {
    await online.stop();
  });

  it('with a toggles list answers exactly those flags, in that order, disabled and unknown ones included', async () => {
    const response = await postJson(online, '/proxy', {
      context: { userId: 'bob' },
      toggles: ['always-off', 'no-such-flag', 'always-on', 'only-alice'],
    });
    expect(response.status).toBe(200);
    const toggles = await togglesOf(response);
    expect(toggles.map((toggle) => [toggle.name, toggle.enabled])).toEqual([
      ['always-off', false],
      ['no-such-flag', false],
      ['always-on', true],
      ['only-alice', false],
    ]);
    expect(toggles[1]).toEqual({
      name: 'no-such-flag',
      enabled: false,
      variant: { name: 'disabled', enabled: false, feature_enabled: false, featureEnabled: false },
      impressionData: false,
    });
  });

  it('without toggles answers like GET: the enabled flags for the context', async () => {
    const post = await enabledNames(
      await postJson(online, '/proxy', {
        context: { userId: 'alice', properties: { plan: 'gold' } },
      }),
    );
    const get = await enabledNames(
      await online.request('/proxy?userId=alice&properties[plan]=gold'),
    );
    expect(post).toEqual(get);
    expect(post).toContain('only-alice');
    expect(post).toContain('gold-plan');
    expect(post).not.toContain('always-off');
  });

  it('with an empty toggles list answers like GET', async () => {
    const names = await enabledNames(
      await postJson(online, '/proxy', { toggles: [], context: {} }),
    );
    expect(names).toEqual(await enabledNames(await online.request('/proxy')));
  });

  it('with an empty body answers like GET', async () => {
    const response = await online.request('/proxy', { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await enabledNames(response)).toEqual(
      await enabledNames(await online.request('/proxy')),
    );
  });

  it('moves loose context keys into properties; explicit properties win', async () => {
    expect(
      await enabledNames(await postJson(online, '/proxy', { context: { plan: 'gold' } })),
    ).toContain('gold-plan');
    const explicit = await enabledNames(
      await postJson(online, '/proxy', { context: { plan: 'gold', properties: { plan: 'free' } } }),
    );
    expect(explicit).not.toContain('gold-plan');
  });

  it('refuses a body that is not JSON with 415', async () => {
    const response = await online.request('/proxy', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'userId=alice',
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({
      statusCode: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      error: 'Unsupported Media Type',
      message: expect.any(String),
    });
  });

  it('refuses malformed JSON with 400', async () => {
    const response = await online.request('/proxy', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"context": {',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ statusCode: 400, code: 'MALFORMED_JSON' });
  });

  it.each([
    ['a list as the body', []],
    ['a string as the body', 'alice'],
    ['context as a string', { context: 'alice' }],
    ['toggles as a string', { toggles: 'always-on' }],
    ['toggles with a number', { toggles: ['always-on', 3] }],
    ['properties as a list', { context: { properties: ['gold'] } }],
    ['a property as an object', { context: { properties: { plan: { tier: 'gold' } } } }],
    ['userId as an object', { context: { userId: { id: 1 } } }],
  ])('refuses %s with 400', async (_case, body) => {
    const response = await postJson(online, '/proxy', body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ statusCode: 400, code: 'BAD_REQUEST' });
  });

  it('refuses a body over the limit with 413', async () => {
    const response = await postJson(online, '/proxy', {
      context: { properties: { filler: 'x'.repeat(10_000) } },
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('refuses a chunked body over the limit with 413', async () => {
    const chunks = [JSON.stringify({ context: { properties: { filler: 'x'.repeat(10_000) } } })];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
    const response = await online.request('/proxy', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('still answers after refusing an oversized body', async () => {
    await postJson(online, '/proxy', { filler: 'x'.repeat(10_000) });
    expect((await online.request('/proxy')).status).toBe(200);
  });
});
