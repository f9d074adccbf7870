import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_KEY, type OnlineProxy, startOnlineProxy } from '../helpers/online-proxy.js';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A POST without fetch, which would decompress on its own and hide Content-Encoding. */
function rawPost(url: string, body: string, acceptEncoding?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          authorization: CLIENT_KEY,
          'content-type': 'application/json',
          ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('compression', () => {
  let online: OnlineProxy;
  // Enough flags in the answer to pass the 1 KiB threshold below which compressing does not pay.
  const manyToggles = JSON.stringify({
    toggles: Array.from({ length: 40 }, (_, index) => `flag-number-${index}`),
  });

  beforeAll(async () => {
    online = await startOnlineProxy();
  });
  afterAll(async () => {
    await online.stop();
  });

  it('gzips an answer when the client asks for gzip', async () => {
    const response = await rawPost(`${online.base}/proxy`, manyToggles, 'gzip');
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers.vary).toMatch(/accept-encoding/i);
    const body = JSON.parse(gunzipSync(response.body).toString('utf8')) as { toggles: unknown[] };
    expect(body.toggles).toHaveLength(40);
  });

  it('uses brotli when the client asks for it', async () => {
    const response = await rawPost(`${online.base}/proxy`, manyToggles, 'br');
    expect(response.headers['content-encoding']).toBe('br');
    const body = JSON.parse(brotliDecompressSync(response.body).toString('utf8')) as {
      toggles: unknown[];
    };
    expect(body.toggles).toHaveLength(40);
  });

  it('sends plain JSON to a client that asks for no encoding', async () => {
    const response = await rawPost(`${online.base}/proxy`, manyToggles, 'identity');
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(
      (JSON.parse(response.body.toString('utf8')) as { toggles: unknown[] }).toggles,
    ).toHaveLength(40);
  });

  it('sends plain JSON without Accept-Encoding, still saying the answer varies with it', async () => {
    const response = await rawPost(`${online.base}/proxy`, manyToggles);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers.vary).toMatch(/accept-encoding/i);
    expect(
      (JSON.parse(response.body.toString('utf8')) as { toggles: unknown[] }).toggles,
    ).toHaveLength(40);
  });

  it('leaves small answers uncompressed', async () => {
    const response = await rawPost(`${online.base}/proxy`, '{"toggles":["always-on"]}', 'gzip');
    expect(response.headers['content-encoding']).toBeUndefined();
  });

  it('answers a header that accepts no encoding at all uncompressed, not with a 500', async () => {
    for (const acceptEncoding of ['identity;q=0', '*;q=0', 'identity;q=0, *;q=0']) {
      const response = await rawPost(`${online.base}/proxy`, manyToggles, acceptEncoding);
      expect(response.status, acceptEncoding).toBe(200);
      expect(response.headers['content-encoding']).toBeUndefined();
    }
    expect(online.proxy.logs()).not.toContain('unhandled error');
  });
});
