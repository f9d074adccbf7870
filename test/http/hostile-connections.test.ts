import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_CLIENT_KEY } from '../../src/app.js';
import { expectErrorShape, openSocket, readResponse } from '../helpers/raw-http.js';
import { type RunningProxy, startProxy } from '../helpers/start-proxy.js';
import { expectStillServing } from '../helpers/still-serving.js';

// Slow and abandoned connections: they are cut off by the configured timeouts while everyone
// else keeps being served.

let proxy: RunningProxy;
beforeAll(async () => {
  proxy = await startProxy({ requestTimeoutMs: 1_500, headersTimeoutMs: 1_000 });
});
afterAll(async () => {
  await proxy.stop();
});

afterEach(() => expectStillServing(proxy));

/**
 * Writes `text` a character every `everyMs` until the socket closes or the text runs out. The
 * pause is the slow client under test, not a wait for something to happen.
 */
async function trickle(socket: Socket, text: string, everyMs: number): Promise<void> {
  for (const character of text) {
    if (socket.destroyed || !socket.writable) return;
    socket.write(character);
    await sleep(everyMs);
  }
}

describe('slow clients', () => {
  it('a client trickling its body gets 408 and is disconnected; others are served meanwhile', async () => {
    const socket = await openSocket(proxy.origin);
    const answer = readResponse(socket, { untilClosed: true });
    const body = JSON.stringify({ context: { userId: 'slow' } }).padEnd(200, ' ');
    socket.write(
      `POST /proxy HTTP/1.1\r\nHost: x\r\nAuthorization: ${DEMO_CLIENT_KEY}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    const trickling = trickle(socket, body, 100);
    // While the slow client holds its request open, others are answered.
    for (let index = 0; index < 5; index += 1) await expectStillServing(proxy);
    const response = await answer;
    socket.destroy();
    await trickling;
    expect(response.status).toBe(408);
    expect(response.closed).toBe(true);
    expectErrorShape(JSON.parse(response.body), 408, 'REQUEST_TIMEOUT');
  });

  it('a client trickling its headers (slowloris) gets 408 and is disconnected', async () => {
    const socket = await openSocket(proxy.origin);
    const answer = readResponse(socket, { untilClosed: true });
    const headers = `GET /proxy HTTP/1.1\r\nHost: x\r\nAuthorization: ${DEMO_CLIENT_KEY}\r\n${'X-Slow: 1\r\n'.repeat(40)}`;
    const trickling = trickle(socket, headers, 50);
    await expectStillServing(proxy);
    const response = await answer;
    socket.destroy();
    await trickling;
    expect(response.status).toBe(408);
    expect(response.closed).toBe(true);
  });

  it('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
    const quick = await startProxy({ keepAliveTimeoutMs: 200 });
    try {
      const socket = await openSocket(quick.origin);
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      const answer = readResponse(socket);
      socket.write(`GET /proxy/health HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect((await answer).status).toBe(200);
      await closed;
      expect(socket.destroyed).toBe(true);
    } finally {
      await quick.stop();
    }
  });
});

describe('connection floods', () => {
  it('a thousand connections opened and dropped leave the server serving, with none left open', async () => {
    for (let batch = 0; batch < 10; batch += 1) {
      const sockets = await Promise.all(
        Array.from({ length: 100 }, () => openSocket(proxy.origin)),
      );
      sockets.forEach((socket, index) => {
        socket.on('error', () => {});
        // A mix: silent, a partial request line, partial headers, a partial body.
        if (index % 4 === 1) socket.write('GET /pro');
        if (index % 4 === 2) socket.write(`GET /proxy HTTP/1.1\r\nHost: x\r\nAuthor`);
        if (index % 4 === 3) {
          socket.write(
            'POST /proxy HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
              'Content-Length: 100\r\n\r\n{"con',
          );
        }
      });
      await expectStillServing(proxy);
      for (const socket of sockets) socket.destroy();
    }
    await expectStillServing(proxy);
    await vi.waitFor(
      async () => {
        const open = await new Promise<number>((resolve, reject) =>
          proxy.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
        );
        expect(open).toBeLessThanOrEqual(1);
      },
      { timeout: 10_000, interval: 100 },
    );
  });
});
