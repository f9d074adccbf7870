import { afterEach, describe, expect, it } from 'vitest';
import { TEST_FLAGS } from '../fixtures/test-flags.js';
import {
  CLIENT_KEY,
  type OnlineProxy,
  type ProxyOnFake,
  startOnlineProxy,
} from '../helpers/online-proxy.js';

/**
 * Which refusal a caller sees when several apply, on every API route: 503 not ready, then 401
 * no valid key, then 501 disabled, then 400/415 for the request itself. A caller without a
 * key learns nothing about which endpoints are enabled, and a proxy that is not ready says so.
 */

interface Case {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
}

const INVALID_QUERY = '?properties=not-a-map';
const INVALID_BODY = '{"context": {"properties": {"a": {"b": 1}}}}';

const SERVER_TOKEN = 'server-side-sdk-token';

/** The event streams, turned off with PROXY_STREAMS_ENABLED=false, and the key each takes. */
const STREAMS = [
  { path: '/proxy/events', key: CLIENT_KEY },
  { path: '/ofrep/v1/events', key: CLIENT_KEY },
  { path: '/proxy/client/streaming', key: SERVER_TOKEN },
  { path: '/api/client/streaming', key: SERVER_TOKEN },
] as const;

const CASES: readonly Case[] = [
  { method: 'GET', path: `/proxy${INVALID_QUERY}` },
  { method: 'POST', path: '/proxy', body: INVALID_BODY, contentType: 'application/json' },
  { method: 'POST', path: '/proxy', body: 'x', contentType: 'text/plain' },
  { method: 'GET', path: `/proxy/all${INVALID_QUERY}` },
  { method: 'POST', path: '/proxy/all', body: INVALID_BODY, contentType: 'application/json' },
  { method: 'POST', path: '/proxy/all', body: 'x', contentType: 'text/plain' },
];

describe('precedence of refusals on the API routes', () => {
  let online: OnlineProxy | undefined;
  afterEach(async () => {
    await online?.stop();
    online = undefined;
  });

  async function start(ready: boolean): Promise<ProxyOnFake> {
    online = await startOnlineProxy(
      { serverSideSdkTokens: [SERVER_TOKEN] },
      { PROXY_STREAMS_ENABLED: 'false' },
      TEST_FLAGS,
      ready ? {} : { waitUntilReady: false, upstreamFault: { kind: 'status', status: 503 } },
    );
    return online.proxy;
  }

  async function status(origin: string, request: Case, key: string | undefined): Promise<number> {
    const headers: Record<string, string> = {};
    if (key !== undefined) headers.authorization = key;
    if (request.contentType !== undefined) headers['content-type'] = request.contentType;
    const response = await fetch(`${origin}${request.path}`, {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    await response.arrayBuffer();
    return response.status;
  }

  const name = (request: Case) => `${request.method} ${request.path} ${request.contentType ?? ''}`;

  it('503 before anything else while the flags are not loaded', async () => {
    const { origin } = await start(false);
    for (const request of CASES) {
      for (const key of [undefined, 'wrong-key', CLIENT_KEY]) {
        expect(await status(origin, request, key), `${name(request)} key=${key}`).toBe(503);
      }
    }
    for (const stream of STREAMS) {
      for (const key of [undefined, stream.key]) {
        const request = { method: 'GET', path: stream.path } as const;
        expect(await status(origin, request, key), `${stream.path} key=${key}`).toBe(503);
      }
    }
  });

  it('on the event streams too: 401 without a valid credential, then 501 when they are off', async () => {
    const { origin } = await start(true);
    for (const stream of STREAMS) {
      const request = { method: 'GET', path: stream.path } as const;
      for (const key of [undefined, 'wrong-key']) {
        expect(await status(origin, request, key), `${stream.path} key=${key}`).toBe(401);
      }
      expect(await status(origin, request, stream.key), stream.path).toBe(501);
    }
  });

  it('then 401 without a valid key, then 501 for a disabled endpoint, then the request', async () => {
    const { origin } = await start(true);
    for (const request of CASES) {
      for (const key of [undefined, 'wrong-key']) {
        expect(await status(origin, request, key), `${name(request)} key=${key}`).toBe(401);
      }
      const disabled = request.path.startsWith('/proxy/all');
      const invalid = request.contentType === 'text/plain' ? 415 : 400;
      expect(await status(origin, request, CLIENT_KEY), name(request)).toBe(
        disabled ? 501 : invalid,
      );
    }
  });
});
