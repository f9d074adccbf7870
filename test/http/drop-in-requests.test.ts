import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_FLAGS } from '../fixtures/test-flags.js';
import {
  CLIENT_KEY,
  enabledNames,
  type OnlineProxy,
  type ProxyOnFake,
  startOnlineProxy,
} from '../helpers/online-proxy.js';

/** Requests the original Unleash Proxy answered that switching users' apps still send. */

function constrained(name: string, contextName: string, value: string) {
  return {
    name,
    enabled: true,
    strategies: [
      {
        name: 'default',
        parameters: {},
        constraints: [{ contextName, operator: 'IN', values: [value] }],
      },
    ],
  };
}

const FLAGS = {
  features: [
    ...TEST_FLAGS.features,
    constrained('user-42', 'userId', '42'),
    constrained('session-7', 'sessionId', '7'),
    constrained('age-24', 'age', '24'),
    constrained('beta-true', 'beta', 'true'),
    constrained('loose-0', 'score', '0'),
  ],
};

describe('requests of apps switching from the original proxy', () => {
  let online: OnlineProxy;
  let proxy: ProxyOnFake;
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${proxy.origin}/proxy`, {
      method: 'POST',
      headers: { authorization: CLIENT_KEY, ...headers },
      body,
    });
  const get = (query: string) =>
    fetch(`${proxy.origin}/proxy?${query}`, { headers: { authorization: CLIENT_KEY } });

  beforeAll(async () => {
    online = await startOnlineProxy({}, {}, FLAGS);
    proxy = online.proxy;
  });
  afterAll(() => online.stop());

  it('reads numbers and booleans in context fields and properties as text (POST)', async () => {
    const response = await post(
      JSON.stringify({
        context: { userId: 42, sessionId: 7, score: 0, properties: { age: 24, beta: true } },
      }),
      { 'content-type': 'application/json' },
    );
    expect(response.status).toBe(200);
    expect(await enabledNames(response)).toEqual(
      expect.arrayContaining(['user-42', 'session-7', 'age-24', 'beta-true', 'loose-0']),
    );
  });

  it('gives GET the same answer for the same values as text', async () => {
    const names = await enabledNames(
      await get('userId=42&sessionId=7&score=0&properties[age]=24&properties[beta]=true'),
    );
    expect(names).toEqual(
      expect.arrayContaining(['user-42', 'session-7', 'age-24', 'beta-true', 'loose-0']),
    );
  });

  it.each([
    ['an object in properties', { properties: { age: { years: 24 } } }],
    ['a list in properties', { properties: { age: [24] } }],
    ['an object as userId', { userId: { id: 42 } }],
  ])('still refuses %s with 400', async (_case, context) => {
    const response = await post(JSON.stringify({ context }), {
      'content-type': 'application/json',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ statusCode: 400, code: 'BAD_REQUEST' });
  });

  it('reads a POST body without a Content-Type as JSON', async () => {
    // fetch adds text/plain to a string body; a Uint8Array body goes without a type.
    const response = await post(
      new TextEncoder().encode(JSON.stringify({ context: { userId: 42 } })) as unknown as string,
    );
    expect(response.status).toBe(200);
    expect(await enabledNames(response)).toContain('user-42');
  });

  it('still refuses a body of an explicit non-JSON type with 415', async () => {
    const response = await post(JSON.stringify({ context: { userId: 42 } }), {
      'content-type': 'text/plain',
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it.each([['properties=somestring'], ['properties='], ['userId=alice&properties=gold']])(
    'refuses GET /proxy?%s (properties that is not a map) with 400',
    async (query) => {
      const response = await get(query);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ statusCode: 400, code: 'BAD_REQUEST' });
    },
  );
});
