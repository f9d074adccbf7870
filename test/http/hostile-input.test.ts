import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CLIENT_KEY } from '../../src/app.js';
import { expectErrorShape, rawRequest } from '../helpers/raw-http.js';
import { type RunningProxy, startProxy } from '../helpers/start-proxy.js';
import { expectStillServing } from '../helpers/still-serving.js';

// Hostile request bodies against a real server: every one gets a clear 4xx in the JSON error
// shape, and the server keeps answering normal requests afterwards.

let proxy: RunningProxy;
beforeAll(async () => {
  proxy = await startProxy();
});
afterAll(async () => {
  await proxy.stop();
});

afterEach(() => expectStillServing(proxy));

function post(body: string | Uint8Array, contentType = 'application/json'): Promise<Response> {
  return fetch(`${proxy.origin}/proxy`, {
    method: 'POST',
    headers: { authorization: DEMO_CLIENT_KEY, 'content-type': contentType },
    body,
  });
}

async function expectRefused(response: Response, status: number, code?: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  expectErrorShape(await response.json(), status, code);
}

describe('malformed and truncated JSON', () => {
  it.each([
    ['garbage', '{not json'],
    ['truncated object', '{"context": {"userId": "alice"'],
    ['truncated string', '{"context": {"userId": "ali'],
    ['trailing garbage', '{"context": {}} trailing'],
    ['a lone comma', ','],
    ['NaN', '{"context": {"userId": NaN}}'],
  ])('%s: 400 MALFORMED_JSON', async (_name, body) => {
    await expectRefused(await post(body), 400, 'MALFORMED_JSON');
  });

  it('a body that is not valid UTF-8: 400', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"context": {"userId": "'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('"}}'),
    ]);
    await expectRefused(await post(bytes), 400, 'MALFORMED_JSON');
  });

  it('a body declared shorter than sent: 400, whichever part is refused first', async () => {
    const response = await rawRequest(
      proxy.origin,
      `POST /proxy HTTP/1.1\r\nHost: x\r\nAuthorization: ${DEMO_CLIENT_KEY}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 10\r\nConnection: close\r\n\r\n' +
        '{"context": {"userId": "alice"}}',
    );
    expect(response.status).toBe(400);
    expectErrorShape(JSON.parse(response.body), 400);
  });

  it('another content type: 415', async () => {
    await expectRefused(await post('userId=alice', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('wrong types at every level', () => {
  it.each([
    ['body is a list', []],
    ['body is a string', 'context'],
    ['body is a number', 42],
    ['body is null', null],
    ['context is a string', { context: 'alice' }],
    ['context is a list', { context: [] }],
    ['context is a number', { context: 1 }],
    ['toggles is a string', { toggles: 'beta-program' }],
    ['toggles holds numbers', { toggles: [1, 2] }],
    ['toggles holds objects', { toggles: [{ name: 'beta-program' }] }],
    ['toggles is an object', { toggles: { 0: 'beta-program' } }],
    ['properties is a string', { context: { properties: 'x' } }],
    ['properties is a list', { context: { properties: ['x'] } }],
    ['a property is an object', { context: { properties: { a: { b: 1 } } } }],
    ['a property is a list', { context: { properties: { a: [1] } } }],
    ['userId is an object', { context: { userId: { id: 'alice' } } }],
    ['userId is a list', { context: { userId: ['alice'] } }],
    ['sessionId is an object', { context: { sessionId: {} } }],
    ['an extra field is an object', { context: { country: { code: 'NO' } } }],
  ])('%s: 400 BAD_REQUEST', async (_name, body) => {
    await expectRefused(await post(JSON.stringify(body)), 400, 'BAD_REQUEST');
  });

  it('an error message does not echo a huge field name back', async () => {
    const name = 'k'.repeat(50_000);
    const response = await post(JSON.stringify({ context: { properties: { [name]: [] } } }));
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text.length).toBeLessThan(1_000);
  });
});

describe('deep nesting', () => {
  it('10,000 levels of nesting in a property: 400, no crash', async () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    await expectRefused(
      await post(`{"context": {"properties": {"a": ${deep}}}}`),
      400,
      'BAD_REQUEST',
    );
  });

  it('10,000 levels of objects in the context: 400', async () => {
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    await expectRefused(await post(`{"context": ${deep}}`), 400, 'BAD_REQUEST');
  });

  it('10,000 levels of objects beside the context are ignored', async () => {
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const response = await post(`{"context": {"userId": "alice"}, "extra": ${deep}}`);
    expect(response.status).toBe(200);
  });
});

describe('oversized bodies', () => {
  it.each([
    ['1 MB', 1_000_000],
    ['10 MB', 10_000_000],
  ])('%s with Content-Length: 413, connection closed', async (_name, size) => {
    const body = `{"context": {"userId": "${'a'.repeat(size)}"}}`;
    const response = await rawRequest(
      proxy.origin,
      `POST /proxy HTTP/1.1\r\nHost: x\r\nAuthorization: ${DEMO_CLIENT_KEY}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      { untilClosed: true },
    );
    expect(response.status).toBe(413);
    expect(response.headers.connection).toBe('close');
    expect(response.closed).toBe(true);
    expectErrorShape(JSON.parse(response.body), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('1 MB sent chunked (no length given): 413, connection closed', async () => {
    const chunk = 'a'.repeat(64 * 1024);
    let payload =
      `POST /proxy HTTP/1.1\r\nHost: x\r\nAuthorization: ${DEMO_CLIENT_KEY}\r\n` +
      'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
    for (let sent = 0; sent < 1_000_000; sent += chunk.length) {
      payload += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
    }
    payload += '0\r\n\r\n';
    const response = await rawRequest(proxy.origin, payload, { untilClosed: true });
    expect(response.status).toBe(413);
    expect(response.closed).toBe(true);
    expectErrorShape(JSON.parse(response.body), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('10 MB through fetch: 413', async () => {
    const response = await post(JSON.stringify({ context: { userId: 'a'.repeat(10_000_000) } }));
    await expectRefused(response, 413, 'PAYLOAD_TOO_LARGE');
  });
});
