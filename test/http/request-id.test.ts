import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_KEY, type OnlineProxy, startOnlineProxy } from '../helpers/online-proxy.js';

interface LogLine {
  msg: string;
  requestId?: string;
  route?: string;
  status?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request ids', () => {
  let online: OnlineProxy;
  beforeAll(async () => {
    online = await startOnlineProxy({ logLevel: 'info' }, { JSON_LOGGER: 'true' });
  });
  afterAll(async () => {
    await online.stop();
  });

  const requestLine = (requestId: string): LogLine | undefined =>
    online.proxy
      .logs()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine)
      .find((line) => line.msg === 'request' && line.requestId === requestId);

  it.each([
    ['a UUID', '0b5c7a0e-5a4f-4d8e-9a53-0c1b1bd7c7a1'],
    ['a trace-style id', 'web-1:req_42.retry-2'],
    ['128 characters', 'r'.repeat(128)],
  ])(
    'keeps an incoming X-Request-Id (%s): on the answer and on the log line',
    async (_case, id) => {
      const response = await online.request('/proxy', { headers: { 'x-request-id': id } });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toBe(id);
      expect(requestLine(id)).toMatchObject({ route: '/proxy', status: 200 });
    },
  );

  it.each([
    ['too long', 'r'.repeat(129)],
    ['with a space', 'two words'],
    ['with quotes', '"quoted"'],
    ['with markup', '<script>'],
    ['empty', ''],
  ])('replaces an unsafe or unusable X-Request-Id (%s) with a new one', async (_case, id) => {
    const response = await online.request('/proxy', { headers: { 'x-request-id': id } });
    const given = response.headers.get('x-request-id') ?? '';
    expect(given).toMatch(UUID);
    expect(requestLine(given)).toMatchObject({ route: '/proxy' });
    expect(online.proxy.logs()).not.toContain('<script>');
  });

  it('gives every answer an id, refusals included, each its own', async () => {
    const answers = await Promise.all([
      fetch(`${online.base}/proxy`),
      fetch(`${online.base}/no/such/path`, { headers: { authorization: CLIENT_KEY } }),
      fetch(`${online.base}/proxy/health`),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([401, 404, 200]);
    const ids = answers.map((answer) => answer.headers.get('x-request-id') ?? '');
    for (const id of ids) {
      expect(id).toMatch(UUID);
      expect(requestLine(id)).toBeDefined();
    }
    expect(new Set(ids).size).toBe(3);
  });
});
