import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveFlags } from '../../src/evaluation/live-flags.js';
import type { EvaluatedToggle, EvaluationContext, Evaluator } from '../../src/evaluation/types.js';
import { proxyFastLane } from '../../src/http/proxy-fast-lane.js';
import { createLogger } from '../../src/logger.js';
import { socketAddressOnly } from '../../src/middleware/client-ip.js';
import { CredentialChecker } from '../../src/middleware/client-key-auth.js';
import { createSnapshot } from '../../src/unleash/snapshot.js';

// The lane evaluates the 200s of one event-loop turn together. An evaluator that throws for
// one request must not cost the others their answers: that one goes to Koa (here, a stand-in
// that answers 500), the rest are answered by the lane. So does every waiting request when
// shutdown begins before they are evaluated.

const toggle = (name: string): EvaluatedToggle => ({
  name,
  enabled: true,
  variant: { name: 'disabled', enabled: false, feature_enabled: true, featureEnabled: true },
  impressionData: false,
});

class PickyEvaluator implements Evaluator {
  batches: number[] = [];
  evaluate(context: EvaluationContext): EvaluatedToggle[] {
    if (context.userId === 'bad') throw new Error('cannot evaluate');
    return [toggle(`for-${context.userId}`)];
  }
  evaluateMany(contexts: readonly EvaluationContext[]): EvaluatedToggle[][] {
    this.batches.push(contexts.length);
    return contexts.map((context) => this.evaluate(context));
  }
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function startLane(evaluator: Evaluator, draining: { now: boolean }) {
  const flags = new LiveFlags(() => evaluator);
  flags.update(createSnapshot(1, [], []));
  const lane = proxyFastLane({
    basePath: '',
    enableAllEndpoint: false,
    clientKeysHeaderName: 'authorization',
    contextDefaults: { appName: 'app', environmentOverride: undefined },
    resolveClientIp: socketAddressOnly,
    flags,
    checker: new CredentialChecker(['key']),
    corsHeaders: () => undefined,
    logger: createLogger({ level: 'silent', json: true }),
    observeRequest: () => {},
    isDraining: () => draining.now,
    handOff: (_request, response) => {
      response.writeHead(500, { 'Content-Type': 'application/json' });
      response.end('{"error":"handed to Koa"}');
    },
    queryLimitBytes: 8192,
    queryParameterLimit: 100,
  });
  server = createServer((request, response) => {
    if (!lane(request, response)) response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const fetchUser = async (origin: string, userId: string) => {
  const response = await fetch(`${origin}/proxy?userId=${userId}`, {
    headers: { Authorization: 'key' },
  });
  return { status: response.status, body: await response.text() };
};

describe('the fast lane, evaluating a turn of requests together', () => {
  it('hands a request it cannot evaluate to Koa and answers the others', async () => {
    const evaluator = new PickyEvaluator();
    const origin = await startLane(evaluator, { now: false });
    const users = ['a', 'b', 'bad', 'c', 'd', 'e'];
    // Several waves: at least one batch holds the bad request with others (checked below).
    for (let wave = 0; wave < 5; wave++) {
      const answers = await Promise.all(users.map((user) => fetchUser(origin, user)));
      answers.forEach((answer, i) => {
        if (users[i] === 'bad') {
          expect(answer).toEqual({ status: 500, body: '{"error":"handed to Koa"}' });
        } else {
          expect(answer.status).toBe(200);
          expect(JSON.parse(answer.body).toggles[0].name).toBe(`for-${users[i]}`);
        }
      });
    }
    expect(Math.max(...evaluator.batches)).toBeGreaterThan(1);
  });

  it('leaves the waiting requests to Koa when shutdown begins before they are evaluated', async () => {
    const draining = { now: false };
    const origin = await startLane(new PickyEvaluator(), draining);
    // Shutdown begins right after the lane took the request, before its evaluation.
    server?.prependListener('request', () => {
      process.nextTick(() => {
        draining.now = true;
      });
    });
    expect(await fetchUser(origin, 'a')).toEqual({
      status: 500,
      body: '{"error":"handed to Koa"}',
    });
  });

  it('keeps answering after callers that leave before their answer', async () => {
    const origin = await startLane(new PickyEvaluator(), { now: false });
    const { port } = new URL(origin);
    const left = Array.from(
      { length: 20 },
      (_, i) =>
        new Promise<void>((resolve) => {
          const socket = connect(Number(port), '127.0.0.1');
          const head = `GET /proxy?userId=gone-${i} HTTP/1.1\r\nHost: x\r\nAuthorization: key\r\n\r\n`;
          // Gone once the request is on its way, before the answer.
          socket.write(head, () => {
            socket.destroy();
            resolve();
          });
        }),
    );
    await Promise.all(left);
    const answer = await fetchUser(origin, 'still-here');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).toggles[0].name).toBe('for-still-here');
  });
});
