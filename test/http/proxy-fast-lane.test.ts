import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_FLAGS } from '../fixtures/test-flags.js';
import { buildWorkload } from '../fixtures/workload.js';
import { FakeUnleash } from '../helpers/fake-unleash.js';
import { type RunningProxy, startProxy } from '../helpers/start-proxy.js';

// GET /proxy and /proxy/all are answered on node:http, outside Koa (http/proxy-fast-lane.ts),
// unless rate limits or enrichers are configured. A rate limit no test reaches turns the lane
// off, so the same configuration with one is the Koa path to compare with, byte for byte.

const KEY = 'fast-lane-key';
const KOA_ONLY = { PROXY_RATE_LIMIT_PER_IP: '1000000' };

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http: no header added, no body decompressed. */
function get(url: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const { date: _date, ...rest } = res.headers;
        resolve({
          status: res.statusCode ?? 0,
          headers: rest,
          body: Buffer.concat(chunks).toString('base64'),
        });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

interface LogLine {
  msg: string;
  method?: string;
  route?: string;
  status?: number;
}
const requestLines = (logs: string) =>
  logs
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LogLine)
    .filter((line) => line.msg === 'request')
    .map(({ method, route, status }) => [method, route, status]);

const requestSeries = (text: string) =>
  text.split('\n').filter((line) => line.startsWith('unleash_proxy_http_requests_total{'));

describe.each([
  { name: 'the defaults', env: {} },
  {
    name: 'a base path, the all endpoint and an origin list with credentials',
    env: {
      PROXY_BASE_PATH: '/flags',
      ENABLE_ALL_ENDPOINT: 'true',
      CORS_ORIGIN: 'https://a.example',
      CORS_CREDENTIALS: 'true',
    },
  },
  { name: 'TRUST_PROXY', env: { TRUST_PROXY: 'true' } },
])('GET /proxy on the fast lane, with $name', ({ env }) => {
  let upstream: FakeUnleash;
  let fast: RunningProxy;
  let normal: RunningProxy;
  const base = 'PROXY_BASE_PATH' in env ? env.PROXY_BASE_PATH : '';

  beforeAll(async () => {
    upstream = await new FakeUnleash(TEST_FLAGS).start();
    const settings = { UNLEASH_URL: upstream.url, UNLEASH_API_TOKEN: 't', ...env };
    const options = { clientKeys: [KEY], logLevel: 'info' as const };
    fast = await startProxy(options, { ...settings, JSON_LOGGER: 'true' });
    normal = await startProxy(options, { ...settings, JSON_LOGGER: 'true', ...KOA_ONLY });
  });
  afterAll(async () => {
    await fast.stop();
    await normal.stop();
    await upstream.stop();
  });

  /** The same request to both proxies; their answers must be identical. */
  const both = async (path: string, headers: Record<string, string> = {}) => {
    const a = await get(`${fast.origin}${base}${path}`, headers);
    const b = await get(`${normal.origin}${base}${path}`, headers);
    expect(a).toEqual(b);
    return a;
  };

  it('gives the status, headers and body of the Koa routes', async () => {
    const auth = { Authorization: KEY };
    const paths = ['/proxy?userId=alice&plan=gold', '/proxy?userId=bob', '/proxy/all?userId=a'];
    for (const path of paths) {
      for (const extra of [
        {},
        { Origin: 'https://a.example' },
        { Origin: 'https://elsewhere.example' },
        { 'Accept-Encoding': 'gzip, deflate, br' },
        { 'X-Forwarded-For': '203.0.113.9' },
      ]) {
        const first = await both(path, { ...auth, ...extra });
        const etag = first.headers.etag;
        if (typeof etag === 'string') {
          const again = await both(path, { ...auth, ...extra, 'If-None-Match': etag });
          expect(again.status).toBe(304);
        }
      }
    }
    for (const refused of [{}, { Authorization: 'wrong' }]) {
      expect((await both('/proxy?userId=alice', refused)).status).toBe(401);
    }
    const tooLong = `/proxy?${'x'.repeat(20_000)}=1`;
    expect((await both(tooLong, auth)).status).toBeGreaterThanOrEqual(400);
    // What the lane hands to Koa: refused queries, other paths, a fragment.
    for (const refused of ['/proxy?userId=a&userId=b', '/proxy?userId=%zz', '/proxy?userId=%C3']) {
      expect((await both(refused, auth)).status).toBe(400);
    }
    for (const other of [
      '/proxy/?userId=a',
      '/proxy?userId=a#top',
      '/proxy?properties[plan]=gold&plan=x',
    ]) {
      await both(other, auth);
    }
  });

  it('answers requests that arrive together, each for its own user', async () => {
    // 200s that arrive in one turn of the event loop are evaluated together on the lane.
    const auth = { Authorization: KEY };
    const paths = Array.from({ length: 60 }, (_, n) => `/proxy?userId=user-${n}&sessionId=${n}`);
    const wave = (origin: string) =>
      Promise.all(paths.map((path) => get(`${origin}${base}${path}`, auth)));
    const [lane, koa] = await Promise.all([wave(fast.origin), wave(normal.origin)]);
    expect(lane).toEqual(koa);
    expect(lane.every((answer) => answer.status === 200)).toBe(true);
    // Each answer is for its own context (the tag covers it).
    expect(new Set(lane.map((answer) => answer.headers.etag)).size).toBe(paths.length);
  });

  it('writes the same request log lines and request metrics', async () => {
    expect(requestLines(fast.logs())).toEqual(requestLines(normal.logs()));
    const metrics = async (proxy: RunningProxy) =>
      requestSeries(
        await (await fetch(`${proxy.origin}${base}/proxy/internal-backstage/prometheus`)).text(),
      );
    expect(await metrics(fast)).toEqual(await metrics(normal));
  });
});

describe('app.handleRequest on a server of your own', () => {
  it('answers GET /proxy (fast lane) and the routes behind it (Koa)', async () => {
    const upstream = await new FakeUnleash(TEST_FLAGS).start();
    const proxy = await startProxy(
      { clientKeys: [KEY] },
      { UNLEASH_URL: upstream.url, UNLEASH_API_TOKEN: 't' },
    );
    const server = createServer(proxy.app.handleRequest);
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const own = `http://127.0.0.1:${port}`;
      const auth = { Authorization: KEY };
      const lane = await get(`${own}/proxy?userId=alice`, auth);
      expect(lane).toEqual(await get(`${proxy.origin}/proxy?userId=alice`, auth));
      expect(JSON.parse(Buffer.from(lane.body, 'base64').toString())).toHaveProperty('toggles');
      expect((await get(`${own}/proxy/health`, {})).status).toBe(200);
      expect((await get(`${own}/proxy?userId=alice`, {})).status).toBe(401);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await proxy.stop();
      await upstream.stop();
    }
  });
});

describe('GET /proxy on the fast lane, compressed', () => {
  // 200 flags: a 10 KB answer, over koa-compress's 1 KB threshold.
  let upstream: FakeUnleash;
  let fast: RunningProxy;
  let normal: RunningProxy;

  beforeAll(async () => {
    upstream = await new FakeUnleash(buildWorkload(200)).start();
    const settings = { UNLEASH_URL: upstream.url, UNLEASH_API_TOKEN: 't' };
    fast = await startProxy({ clientKeys: [KEY] }, settings);
    normal = await startProxy({ clientKeys: [KEY] }, { ...settings, ...KOA_ONLY });
  });
  afterAll(async () => {
    await fast.stop();
    await normal.stop();
    await upstream.stop();
  });

  it('picks the encoding koa-compress picks and sends the same bytes', async () => {
    const acceptEncodings = [
      'gzip, deflate, br',
      'gzip',
      'deflate',
      'br;q=0.5, gzip;q=0.9',
      '*',
      'identity',
      'compress',
      'gzip;q=0',
    ];
    for (const acceptEncoding of acceptEncodings) {
      const headers = { Authorization: KEY, 'Accept-Encoding': acceptEncoding };
      const path = '/proxy?userId=alice&sessionId=7';
      const a = await get(`${fast.origin}${path}`, headers);
      const b = await get(`${normal.origin}${path}`, headers);
      expect(a, acceptEncoding).toEqual(b);
      expect(a.status).toBe(200);
      const raw = Buffer.from(a.body, 'base64');
      const encoding = a.headers['content-encoding'];
      const decoded =
        encoding === 'br'
          ? brotliDecompressSync(raw)
          : encoding === 'gzip'
            ? gunzipSync(raw)
            : encoding === 'deflate'
              ? inflateSync(raw)
              : raw;
      expect(JSON.parse(decoded.toString('utf8'))).toHaveProperty('toggles');
    }
  });

  it('answers a header that accepts no encoding at all uncompressed, not with a 500', async () => {
    for (const proxy of [fast, normal]) {
      for (const acceptEncoding of ['identity;q=0', '*;q=0', 'identity;q=0, *;q=0']) {
        const answer = await get(`${proxy.origin}/proxy?userId=alice`, {
          Authorization: KEY,
          'Accept-Encoding': acceptEncoding,
        });
        expect(answer.status, acceptEncoding).toBe(200);
        expect(answer.headers['content-encoding']).toBeUndefined();
      }
    }
    expect(normal.logs()).not.toContain('unhandled error');
  });
});
