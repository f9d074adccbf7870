import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CLIENT_KEY } from '../../src/app.js';
import { expectErrorShape, rawRequest } from '../helpers/raw-http.js';
import { type RunningProxy, startProxy } from '../helpers/start-proxy.js';

// Hostile query strings, headers, methods and keys against a real server.

let proxy: RunningProxy;
/** The same proxy with room for long request lines, to reach the proxy's own query limits. */
let roomy: RunningProxy;
beforeAll(async () => {
  proxy = await startProxy({ enableAllEndpoint: true });
  roomy = await startProxy({ maxHeaderBytes: 256 * 1024, queryLimitBytes: 128 * 1024 });
});
afterAll(async () => {
  await proxy.stop();
  await roomy.stop();
});

const auth = { authorization: DEMO_CLIENT_KEY };

async function enabledFor(origin: string, query: string): Promise<string[]> {
  const response = await fetch(`${origin}/proxy?${query}`, { headers: auth });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { toggles: { name: string }[] };
  return body.toggles.map((toggle) => toggle.name).sort();
}

afterEach(async () => {
  expect((await enabledFor(proxy.origin, 'userId=alice')).length).toBeGreaterThan(0);
  expect((await enabledFor(roomy.origin, 'userId=alice')).length).toBeGreaterThan(0);
});

async function expectRefused(response: Response, status: number, code?: string): Promise<void> {
  expect(response.status).toBe(status);
  expectErrorShape(await response.json(), status, code);
}

describe('long and numerous query parameters', () => {
  const longQuery = `userId=${'a'.repeat(64 * 1024)}`;

  it('a 64 KB query string past the header limit: 431 in the JSON shape', async () => {
    await expectRefused(
      await fetch(`${proxy.origin}/proxy?${longQuery}`, { headers: auth }),
      431,
      'HEADERS_TOO_LARGE',
    );
  });

  it('a 64 KB query string within the header limit but past the query limit: 414', async () => {
    const limited = await startProxy({ maxHeaderBytes: 256 * 1024 });
    try {
      await expectRefused(
        await fetch(`${limited.origin}/proxy?${longQuery}`, { headers: auth }),
        414,
        'URI_TOO_LONG',
      );
    } finally {
      await limited.stop();
    }
  });

  it('a 64 KB query string when both limits allow it: answered', async () => {
    expect(await enabledFor(roomy.origin, longQuery)).toEqual(
      await enabledFor(roomy.origin, 'userId=b'),
    );
  });

  it('5,000 parameters: 400', async () => {
    const query = Array.from({ length: 5_000 }, (_, index) => `p${index}=1`).join('&');
    await expectRefused(
      await fetch(`${roomy.origin}/proxy?${query}`, { headers: auth }),
      400,
      'BAD_REQUEST',
    );
  });

  it('1,000 parameters (the default limit): answered', async () => {
    const query = Array.from({ length: 1_000 }, (_, index) => `p${index}=1`).join('&');
    expect(await enabledFor(roomy.origin, query)).toEqual(await enabledFor(roomy.origin, ''));
  });

  it.each([
    ['userId=alice&userId=bob'],
    ['properties[country]=NO&properties[country]=SE'],
    ['country=NO&country=SE'],
  ])('repeated parameter %s: 400', async (query) => {
    await expectRefused(
      await fetch(`${proxy.origin}/proxy?${query}`, { headers: auth }),
      400,
      'BAD_REQUEST',
    );
  });
});

describe('broken percent-encoding and UTF-8', () => {
  it.each([
    ['a bad escape', 'userId=%zz'],
    ['a cut escape', 'userId=abc%2'],
    ['invalid UTF-8', 'userId=%ff%fe'],
    ['a truncated UTF-8 sequence', 'userId=%E2%82'],
    ['an encoded surrogate', 'userId=%ED%A0%80'],
    ['a bad escape in a key', '%zz=1'],
  ])('%s: 400', async (_name, query) => {
    await expectRefused(
      await fetch(`${proxy.origin}/proxy?${query}`, { headers: auth }),
      400,
      'BAD_REQUEST',
    );
  });

  it('valid escapes are decoded', async () => {
    const response = await fetch(`${proxy.origin}/proxy?userId=%C3%A6%E2%82%AC+x`, {
      headers: auth,
    });
    expect(response.status).toBe(200);
  });

  it('raw bytes that are not UTF-8 in the request line: a 4xx, never a crash', async () => {
    const response = await rawRequest(
      proxy.origin,
      Buffer.concat([
        Buffer.from('GET /proxy?userId='),
        Buffer.from([0xff, 0xfe]),
        Buffer.from(` HTTP/1.1\r\nHost: x\r\nAuthorization: ${DEMO_CLIENT_KEY}\r\n\r\n`),
      ]),
    );
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expectErrorShape(JSON.parse(response.body), response.status);
  });
});

describe('prototype pollution', () => {
  const pollutingQuery = [
    '__proto__[polluted]=yes',
    '__proto__.polluted=yes',
    'constructor[prototype][polluted]=yes',
    'prototype[polluted]=yes',
    'properties[__proto__]=yes',
    'properties[constructor]=yes',
    '__proto__=yes',
    'constructor=yes',
  ].join('&');

  function expectNoPollution(): void {
    const probe: Record<string, unknown> = {};
    expect(probe.polluted).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
  }

  it('in the query: answered as plain data, nothing polluted', async () => {
    const before = await enabledFor(proxy.origin, 'userId=alice');
    const response = await fetch(`${proxy.origin}/proxy?userId=alice&${pollutingQuery}`, {
      headers: auth,
    });
    expect(response.status).toBe(200);
    expectNoPollution();
    expect(await enabledFor(proxy.origin, 'userId=alice')).toEqual(before);
  });

  it.each([
    ['at the top', '{"__proto__": {"polluted": "yes"}, "context": {"userId": "alice"}}'],
    ['in the context', '{"context": {"userId": "alice", "__proto__": "yes"}}'],
    ['as properties', '{"context": {"userId": "alice", "properties": {"__proto__": "yes"}}}'],
    [
      'constructor.prototype',
      '{"context": {"userId": "alice", "constructor": {"prototype": {"polluted": "yes"}}}}',
    ],
    [
      'nested in properties',
      '{"context": {"properties": {"__proto__": {"polluted": "yes"}, "constructor": "x"}}}',
    ],
    ['in toggles', '{"toggles": ["__proto__", "constructor", "prototype", "toString"]}'],
  ])('in the body %s: a 200 or a 400, nothing polluted', async (_name, body) => {
    const before = await enabledFor(proxy.origin, 'userId=alice');
    for (const path of ['/proxy', '/proxy/all']) {
      const response = await fetch(`${proxy.origin}${path}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body,
      });
      expect([200, 400]).toContain(response.status);
      const answer = (await response.json()) as Record<string, unknown>;
      if (response.status === 400) expectErrorShape(answer, 400, 'BAD_REQUEST');
      expectNoPollution();
    }
    expect(await enabledFor(proxy.origin, 'userId=alice')).toEqual(before);
  });

  it('asking for flags named like Object members answers them as unknown flags', async () => {
    const response = await fetch(`${proxy.origin}/proxy`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"toggles": ["__proto__", "constructor", "hasOwnProperty"]}',
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { toggles: { name: string; enabled: boolean }[] };
    expect(body.toggles.every((toggle) => !toggle.enabled)).toBe(true);
  });
});

describe('headers', () => {
  it('a 16 KB header: 431 in the JSON shape', async () => {
    await expectRefused(
      await fetch(`${proxy.origin}/proxy`, { headers: { ...auth, 'x-big': 'a'.repeat(16_384) } }),
      431,
      'HEADERS_TOO_LARGE',
    );
  });

  it('a 16 KB header under a raised PROXY_MAX_HEADER_BYTES: answered', async () => {
    const response = await fetch(`${roomy.origin}/proxy`, {
      headers: { ...auth, 'x-big': 'a'.repeat(16_384) },
    });
    expect(response.status).toBe(200);
  });

  it('a header line that is not HTTP: 400 in the JSON shape', async () => {
    const response = await rawRequest(
      proxy.origin,
      'GET /proxy HTTP/1.1\r\nHost: x\r\nthis is not a header\r\n\r\n',
    );
    expect(response.status).toBe(400);
    expectErrorShape(JSON.parse(response.body), 400);
  });
});

describe('methods', () => {
  it.each(['PUT', 'DELETE', 'PATCH'])('%s /proxy: 405 with Allow', async (method) => {
    const response = await fetch(`${proxy.origin}/proxy`, { method, headers: auth });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toMatch(/GET/);
    expectErrorShape(await response.json(), 405, 'METHOD_NOT_ALLOWED');
  });

  it('an unknown path: 404', async () => {
    await expectRefused(await fetch(`${proxy.origin}/nope`, { headers: auth }), 404, 'NOT_FOUND');
  });

  it('a method HTTP does not know: 400 in the JSON shape', async () => {
    const response = await rawRequest(proxy.origin, 'BREW /proxy HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(response.status).toBe(400);
    expectErrorShape(JSON.parse(response.body), 400);
  });

  it('TRACE /proxy: 405 or 404, never an echo', async () => {
    const response = await rawRequest(
      proxy.origin,
      `TRACE /proxy HTTP/1.1\r\nHost: x\r\nAuthorization: ${DEMO_CLIENT_KEY}\r\nConnection: close\r\n\r\n`,
    );
    expect([404, 405]).toContain(response.status);
    expect(response.body).not.toContain(DEMO_CLIENT_KEY);
  });
});
