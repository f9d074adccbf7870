import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_TOKEN,
  CLIENT_KEY,
  type OnlineProxy,
  postJson,
  startOnlineProxy,
} from '../helpers/online-proxy.js';

interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  method?: string;
  route?: string;
  status?: number;
  durationMs?: number;
}

function requestLines(logs: string): LogLine[] {
  return logs
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LogLine)
    .filter((line) => line.msg === 'request');
}

describe('request log', () => {
  let online: OnlineProxy;
  const WRONG_KEY = 'wrong-key-that-must-not-be-logged';
  const USER = 'user-id-from-the-query';
  const BODY_USER = 'user-id-from-the-body';

  beforeAll(async () => {
    // The most verbose level, in JSON, so that any field that leaks is there to find.
    online = await startOnlineProxy({ logLevel: 'trace' }, { JSON_LOGGER: 'true' });
    await online.request(`/proxy?userId=${USER}&email=someone%40example.com`);
    await fetch(`${online.base}/proxy?userId=${USER}`, { headers: { authorization: WRONG_KEY } });
    await postJson(online, '/proxy', { context: { userId: BODY_USER } });
    await online.request('/no/such/path?token=abc');
    await fetch(`${online.base}/proxy/health`);
  });
  afterAll(async () => {
    await online.stop();
  });

  it('writes one line per request with method, route template, status and duration', () => {
    const lines = requestLines(online.proxy.logs());
    expect(lines.map((line) => [line.method, line.route, line.status])).toEqual([
      ['GET', '/proxy', 200],
      ['GET', '/proxy', 401],
      ['POST', '/proxy', 200],
      ['GET', 'unmatched', 404],
      ['GET', '/proxy/health', 200],
    ]);
    for (const line of lines) {
      expect(line.durationMs).toEqual(expect.any(Number));
      expect(line.durationMs).toBeGreaterThanOrEqual(0);
      expect(line.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(new Set(lines.map((line) => line.requestId)).size).toBe(lines.length);
  });

  it('never logs a client key, the API token, a query string or a body', () => {
    const logs = online.proxy.logs();
    expect(logs).toContain('"route":"/proxy"');
    for (const secret of [
      CLIENT_KEY,
      WRONG_KEY,
      API_TOKEN,
      USER,
      BODY_USER,
      'someone',
      'token=abc',
      'userId=',
    ]) {
      expect(logs, secret).not.toContain(secret);
    }
  });

  it('writes plain text lines by default, just as clean', async () => {
    const plain = await startOnlineProxy();
    try {
      await plain.request(`/proxy?userId=${USER}`);
      const logs = plain.proxy.logs();
      expect(logs).toMatch(/INFO request .*method=GET route=\/proxy status=200 durationMs=[\d.]+/);
      expect(logs).not.toContain(USER);
      expect(logs).not.toContain(CLIENT_KEY);
    } finally {
      await plain.stop();
    }
  });
});
