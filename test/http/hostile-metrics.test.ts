import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CreateAppOptions } from '../../src/app.js';
import { usageFlags } from '../fixtures/usage-flags.js';
import { FakeUnleash } from '../helpers/fake-unleash.js';
import { startProxyOn } from '../helpers/online-proxy.js';
import { expectErrorShape, rawRequest } from '../helpers/raw-http.js';
import type { RunningProxy } from '../helpers/start-proxy.js';
import { sumUsage } from '../helpers/usage-totals.js';

// Hostile bodies against the usage-report and registration routes of a real server synced
// from a FakeUnleash: each gets a clear 4xx in the JSON error shape, the server keeps
// answering, and only the counts of valid reports ever reach Unleash.

const KEY = 'hostile-client-key';
const METRICS_PATHS = ['/proxy/client/metrics', '/proxy/all/client/metrics'] as const;
const ALL_PATHS = [...METRICS_PATHS, '/proxy/client/register'] as const;

function proxyOptions(): CreateAppOptions {
  return {
    unleashApiToken: 'upstream-token',
    clientKeys: [KEY],
    refreshInterval: 60_000,
    // Nothing is uploaded before stop(), which sends everything accepted in one go.
    metricsInterval: 3_600_000,
    enableAllEndpoint: true,
  };
}

function post(
  proxy: RunningProxy,
  path: string,
  body: string | Uint8Array,
  contentType = 'application/json',
): Promise<Response> {
  return fetch(`${proxy.origin}${path}`, {
    method: 'POST',
    headers: { authorization: KEY, 'content-type': contentType },
    body,
  });
}

async function expectRefused(response: Response, status: number, code?: string): Promise<string> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  const text = await response.text();
  expectErrorShape(JSON.parse(text), status, code);
  return text;
}

/** A report with the given toggles, as raw JSON text (so that `__proto__` stays a key). */
function report(toggles: string): string {
  return `{"appName":"web","instanceId":"browser","bucket":{"start":"2024-01-01T00:00:00Z","stop":"2024-01-01T00:00:30Z","toggles":${toggles}}}`;
}

describe('hostile usage reports and registrations', () => {
  let upstream: FakeUnleash;
  let proxy: RunningProxy;
  /** Valid reports sent between the hostile ones: the only counts Unleash may receive. */
  let validReports = 0;

  beforeAll(async () => {
    upstream = await new FakeUnleash(usageFlags).start();
    proxy = await startProxyOn(upstream, proxyOptions());
  });
  afterAll(async () => {
    await proxy.stop();
    expect(sumUsage(upstream.deliveredMetrics())).toEqual({
      checkout: { yes: validReports, no: 0, variants: { blue: validReports } },
    });
    for (const registration of upstream.requestsTo('/api/client/register')) {
      expect(registration.body).toMatchObject({ appName: 'unleash-proxy' });
    }
    await upstream.stop();
  });

  afterEach(async () => {
    const flags = await fetch(`${proxy.origin}/proxy?userId=alice`, {
      headers: { authorization: KEY },
    });
    expect(flags.status).toBe(200);
    const usage = await post(
      proxy,
      '/proxy/client/metrics',
      report('{"checkout":{"yes":1,"no":0,"variants":{"blue":1}}}'),
    );
    expect(usage.status).toBe(200);
    validReports += 1;
  });

  describe.each(ALL_PATHS)('%s: malformed and truncated JSON', (path) => {
    it.each([
      ['garbage', '{not json'],
      ['truncated object', '{"appName":"web","bucket":{"toggles":{"a":{"yes":1'],
      ['truncated string', '{"appName":"we'],
      ['trailing garbage', '{"appName":"web"} trailing'],
      ['NaN count', report('{"a":{"yes":NaN}}')],
      ['Infinity count', report('{"a":{"yes":Infinity}}')],
      ['a lone minus', report('{"a":{"yes":-}}')],
    ])('%s: 400 MALFORMED_JSON', async (_name, body) => {
      await expectRefused(await post(proxy, path, body), 400, 'MALFORMED_JSON');
    });

    it('a body that is not valid UTF-8: 400', async () => {
      const bytes = Buffer.concat([
        Buffer.from('{"appName": "'),
        Buffer.from([0xff, 0xfe, 0xc3]),
        Buffer.from('"}'),
      ]);
      await expectRefused(await post(proxy, path, bytes), 400, 'MALFORMED_JSON');
    });

    it.each([
      ['text/plain', 'text/plain'],
      ['a form', 'application/x-www-form-urlencoded'],
      ['multipart', 'multipart/form-data; boundary=x'],
    ])('content type %s: 415', async (_name, contentType) => {
      const response = await post(proxy, path, '{"appName":"web"}', contentType);
      await expectRefused(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });
  });

  describe.each(METRICS_PATHS)('%s: wrong types at every level', (path) => {
    it.each([
      ['body is a list', '[]'],
      ['body is a string', '"report"'],
      ['body is a number', '42'],
      ['body is null', 'null'],
      ['appName is missing', '{"bucket":{"toggles":{}}}'],
      ['appName is a number', '{"appName":1,"bucket":{"toggles":{}}}'],
      ['appName is empty', '{"appName":"","bucket":{"toggles":{}}}'],
      ['bucket is missing', '{"appName":"web"}'],
      ['bucket is a string', '{"appName":"web","bucket":"b"}'],
      ['bucket is a list', '{"appName":"web","bucket":[]}'],
      ['bucket is null', '{"appName":"web","bucket":null}'],
      ['start is not a date', '{"appName":"web","bucket":{"start":"soon","toggles":{}}}'],
      ['stop is a huge number', '{"appName":"web","bucket":{"stop":1e300,"toggles":{}}}'],
      ['start is an object', '{"appName":"web","bucket":{"start":{},"toggles":{}}}'],
      ['toggles is missing', '{"appName":"web","bucket":{}}'],
      ['toggles is a list', report('[{"yes":1}]')],
      ['toggles is a string', report('"checkout"')],
      ['toggles is null', report('null')],
      ['a flag name is empty', report('{"":{"yes":1}}')],
      ['a flag is a number', report('{"checkout":1}')],
      ['a flag is a string', report('{"checkout":"yes"}')],
      ['a flag is a list', report('{"checkout":[1,0]}')],
      ['a flag is null', report('{"checkout":null}')],
      ['a flag is true', report('{"checkout":true}')],
      ['yes is a string', report('{"checkout":{"yes":"3"}}')],
      ['yes is a boolean', report('{"checkout":{"yes":true}}')],
      ['yes is null', report('{"checkout":{"yes":null}}')],
      ['yes is an object', report('{"checkout":{"yes":{"n":1}}}')],
      ['yes is a list', report('{"checkout":{"yes":[1]}}')],
      ['yes is 1e12', report('{"checkout":{"yes":1e12}}')],
      ['yes is negative', report('{"checkout":{"yes":-1}}')],
      ['yes is fractional', report('{"checkout":{"yes":0.5}}')],
      ['yes overflows to Infinity', report('{"checkout":{"yes":1e400}}')],
      ['yes is a "NaN" string', report('{"checkout":{"yes":"NaN"}}')],
      ['no is negative', report('{"checkout":{"yes":1,"no":-5}}')],
      ['no is 1e12', report('{"checkout":{"no":1e12}}')],
      ['variants is a list', report('{"checkout":{"variants":["blue"]}}')],
      ['variants is a string', report('{"checkout":{"variants":"blue"}}')],
      ['variants is a number', report('{"checkout":{"variants":3}}')],
      ['a variant count is a string', report('{"checkout":{"variants":{"blue":"1"}}}')],
      ['a variant count is negative', report('{"checkout":{"variants":{"blue":-1}}}')],
      ['a variant count is fractional', report('{"checkout":{"variants":{"blue":1.25}}}')],
      ['a variant count is 1e12', report('{"checkout":{"variants":{"blue":1e12}}}')],
      ['a variant count is null', report('{"checkout":{"variants":{"blue":null}}}')],
      ['a variant count is an object', report('{"checkout":{"variants":{"blue":{}}}}')],
    ])('%s: 400 BAD_REQUEST', async (_name, body) => {
      await expectRefused(await post(proxy, path, body), 400, 'BAD_REQUEST');
    });

    it('1e12 names the field it refuses', async () => {
      const text = await expectRefused(
        await post(proxy, path, report('{"checkout":{"yes":1e12}}')),
        400,
      );
      expect(JSON.parse(text)).toMatchObject({ details: { path: 'bucket.toggles.checkout.yes' } });
    });

    it('one bad count among good ones refuses the whole report', async () => {
      const body = report('{"checkout":{"yes":5},"banner":{"no":3},"beta-segment":{"yes":-1}}');
      await expectRefused(await post(proxy, path, body), 400, 'BAD_REQUEST');
    });

    it('thousands of flags with bad counts: 400 with a short error', async () => {
      const toggles = Array.from({ length: 4_000 }, (_, i) => `"flag-${i}":{"yes":"x"}`);
      const text = await expectRefused(
        await post(proxy, path, report(`{${toggles.join(',')}}`)),
        400,
        'BAD_REQUEST',
      );
      expect(text.length).toBeLessThan(1_000);
    });

    it('a huge flag name is not echoed back', async () => {
      const text = await expectRefused(
        await post(proxy, path, report(`{"${'f'.repeat(50_000)}":{"yes":-1}}`)),
        400,
      );
      expect(text.length).toBeLessThan(1_000);
    });
  });

  describe('/proxy/client/register: wrong types', () => {
    it.each([
      ['body is a list', '[]'],
      ['body is a string', '"web"'],
      ['body is a number', '42'],
      ['body is null', 'null'],
      ['appName is missing', '{"instanceId":"a","strategies":[]}'],
      ['appName is a number', '{"appName":1}'],
      ['appName is empty', '{"appName":""}'],
      ['appName is an object', '{"appName":{"name":"web"}}'],
      ['appName is a list', '{"appName":["web"]}'],
    ])('%s: 400 BAD_REQUEST', async (_name, body) => {
      await expectRefused(await post(proxy, '/proxy/client/register', body), 400, 'BAD_REQUEST');
    });
  });

  describe('10,000 levels of nesting', () => {
    const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const deepList = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;

    it.each(ALL_PATHS)('%s: a deep list as the body is 400', async (path) => {
      await expectRefused(await post(proxy, path, deepList), 400, 'BAD_REQUEST');
    });

    it.each(METRICS_PATHS)('%s: deep in a count or a variant is 400', async (path) => {
      for (const toggles of [
        `{"checkout":{"yes":${deepList}}}`,
        `{"checkout":{"variants":${deepObject}}}`,
        `{"checkout":{"variants":{"blue":${deepList}}}}`,
      ]) {
        await expectRefused(await post(proxy, path, report(toggles)), 400, 'BAD_REQUEST');
      }
    });

    it.each(METRICS_PATHS)(
      '%s: deep under an unknown key of a flag counts nothing',
      async (path) => {
        // Keys other than yes, no and variants are ignored, as at the top level; the totals
        // checked after all tests show that nothing was counted.
        const response = await post(proxy, path, report(`{"checkout":${deepObject}}`));
        expect(response.status).toBe(200);
      },
    );

    it.each(METRICS_PATHS)('%s: deep in the bucket times is 400', async (path) => {
      const body = `{"appName":"web","bucket":{"start":${deepObject},"toggles":{}}}`;
      await expectRefused(await post(proxy, path, body), 400, 'BAD_REQUEST');
    });

    it.each(ALL_PATHS)('%s: deep beside the checked fields is ignored', async (path) => {
      const body = `{"appName":"web","bucket":{"toggles":{}},"impactMetrics":${deepObject}}`;
      const response = await post(proxy, path, body);
      expect(response.status).toBe(200);
    });
  });

  describe.each(ALL_PATHS)('%s: oversized bodies', (path) => {
    it.each([
      ['1 MB', 1_000_000],
      ['10 MB', 10_000_000],
    ])('%s: 413, connection closed', async (_name, size) => {
      const body = report(`{"${'f'.repeat(size)}":{"yes":1}}`);
      const response = await rawRequest(
        proxy.origin,
        `POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: ${KEY}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        { untilClosed: true },
      );
      expect(response.status).toBe(413);
      expect(response.closed).toBe(true);
      expectErrorShape(JSON.parse(response.body), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('1 MB through fetch, no length declared up front: 413', async () => {
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          const chunk = new TextEncoder().encode('f'.repeat(64 * 1024));
          controller.enqueue(new TextEncoder().encode('{"appName":"'));
          for (let sent = 0; sent < 1_000_000; sent += chunk.length) controller.enqueue(chunk);
          controller.enqueue(new TextEncoder().encode('"}'));
          controller.close();
        },
      });
      const response = await fetch(`${proxy.origin}${path}`, {
        method: 'POST',
        headers: { authorization: KEY, 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      await expectRefused(response, 413, 'PAYLOAD_TOO_LARGE');
    });
  });
});

describe('odd flag names and many flags in valid reports', () => {
  let upstream: FakeUnleash;
  let proxy: RunningProxy | undefined;

  beforeAll(async () => {
    upstream = await new FakeUnleash(usageFlags).start();
  });
  afterEach(async () => {
    await proxy?.stop();
    proxy = undefined;
  });
  afterAll(async () => {
    await upstream.stop();
  });

  it('__proto__ and constructor as flag and variant names are plain data, no pollution', async () => {
    upstream.requests.length = 0;
    proxy = await startProxyOn(upstream, proxyOptions());
    const body = report(
      '{"__proto__":{"yes":2,"no":1,"variants":{"__proto__":3,"constructor":4}},' +
        '"constructor":{"yes":5,"variants":{"toString":1,"hasOwnProperty":2}},' +
        '"prototype":{"no":7}}',
    );
    for (const path of METRICS_PATHS) {
      expect((await post(proxy, path, body)).status).toBe(200);
    }
    const register = await post(
      proxy,
      '/proxy/client/register',
      '{"appName":"web","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    );
    expect(register.status).toBe(200);
    expect(Reflect.get({}, 'polluted')).toBeUndefined();
    expect(Reflect.get({}, 'yes')).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);

    // The server still evaluates normally afterwards.
    const flags = await fetch(`${proxy.origin}/proxy/all?userId=alice`, {
      headers: { authorization: KEY },
    });
    expect(flags.status).toBe(200);
    const names = ((await flags.json()) as { toggles: { name: string }[] }).toggles.map(
      (toggle) => toggle.name,
    );
    expect(names).toEqual(expect.arrayContaining(['checkout', 'banner']));

    await proxy.stop();
    proxy = undefined;
    const uploads = upstream.deliveredMetrics() as { bucket: { toggles: object } }[];
    expect(uploads).toHaveLength(1);
    const toggles = uploads[0]?.bucket.toggles ?? {};
    // Read as own properties: `toggles.__proto__` would read the prototype instead.
    const own = (name: string): unknown => Object.getOwnPropertyDescriptor(toggles, name)?.value;
    expect(Object.keys(toggles).sort()).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(own('__proto__')).toMatchObject({ yes: 4, no: 2 });
    const protoVariants = (own('__proto__') as { variants: object }).variants;
    expect(Object.getOwnPropertyDescriptor(protoVariants, '__proto__')?.value).toBe(6);
    expect(Object.getOwnPropertyDescriptor(protoVariants, 'constructor')?.value).toBe(8);
    expect(own('constructor')).toEqual({
      yes: 10,
      no: 0,
      variants: { toString: 2, hasOwnProperty: 4 },
    });
    expect(own('prototype')).toEqual({ yes: 0, no: 14, variants: {} });
  });

  it('thousands of flag names in one report are counted; past the bound they are dropped', async () => {
    upstream.requests.length = 0;
    proxy = await startProxyOn(upstream, proxyOptions());
    const flagsPerReport = 4_000;
    const reportOf = (batch: number) =>
      report(
        `{${Array.from({ length: flagsPerReport }, (_, i) => `"f${batch}-${i}":{"yes":1}`).join(',')}}`,
      );
    // 6 x 4,000 distinct names: more than the 20,000 counters that may wait for upload.
    for (let batch = 0; batch < 6; batch += 1) {
      const response = await post(proxy, '/proxy/client/metrics', reportOf(batch));
      expect(response.status).toBe(200);
    }
    const flags = await fetch(`${proxy.origin}/proxy?userId=alice`, {
      headers: { authorization: KEY },
    });
    expect(flags.status).toBe(200);

    await proxy.stop();
    proxy = undefined;
    const delivered = sumUsage(upstream.deliveredMetrics());
    const names = Object.keys(delivered);
    expect(names.length).toBe(20_000);
    expect(names.every((name) => delivered[name]?.yes === 1)).toBe(true);
  });
});
