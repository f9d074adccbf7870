import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finalizeContext, parseQueryContext } from '../../src/context/build-context.js';
import { compileEvaluator } from '../../src/evaluation/compile/index.js';
import type { EvaluationContext, Evaluator } from '../../src/evaluation/types.js';
import { createSnapshot } from '../../src/unleash/snapshot.js';
import { randomContexts } from '../fixtures/contexts.js';
import { buildWorkload } from '../fixtures/workload.js';
import { FakeUnleash } from '../helpers/fake-unleash.js';
import { startProxyOn } from '../helpers/online-proxy.js';
import type { RunningProxy } from '../helpers/start-proxy.js';

const KEY = 'answers-test-key';

/** A query for a context; userId and sessionId always set, so no flag draws at random. */
function queryOf(context: EvaluationContext, n: number): string {
  const params = new URLSearchParams();
  params.set('userId', context.userId || `user-${n}`);
  params.set('sessionId', context.sessionId || String(n));
  if (context.remoteAddress) params.set('remoteAddress', context.remoteAddress);
  if (context.environment !== undefined) params.set('environment', context.environment);
  if (context.appName !== undefined) params.set('appName', context.appName);
  if (context.currentTime) params.set('currentTime', context.currentTime.toISOString());
  for (const [key, value] of Object.entries(context.properties)) {
    params.set(`properties[${key}]`, value);
  }
  return params.toString();
}

describe('the answers of /proxy, byte for byte', () => {
  const workload = buildWorkload(200);
  let upstream: FakeUnleash;
  let proxy: RunningProxy;
  let evaluator: Evaluator;
  const contextOf = (query: string) =>
    finalizeContext(parseQueryContext(query), {
      clientIp: '127.0.0.1',
      appName: 'unleash-proxy',
      environmentOverride: undefined,
    });

  beforeAll(async () => {
    upstream = await new FakeUnleash(workload).start();
    proxy = await startProxyOn(upstream, {
      logLevel: 'warn',
      unleashApiToken: 'token',
      clientKeys: [KEY],
      enableAllEndpoint: true,
    });
    evaluator = compileEvaluator(createSnapshot(1, workload.features, workload.segments));
  });
  afterAll(async () => {
    await proxy.stop();
    await upstream.stop();
  });

  it('GET /proxy is the JSON of the enabled flags, GET /proxy/all of every flag', async () => {
    for (const [n, context] of randomContexts(150, 11).entries()) {
      const query = queryOf(context, n);
      const toggles = evaluator.evaluate(contextOf(query));
      for (const [path, expected] of [
        ['/proxy', toggles.filter((toggle) => toggle.enabled)],
        ['/proxy/all', toggles],
      ] as const) {
        const response = await fetch(`${proxy.origin}${path}?${query}`, {
          headers: { Authorization: KEY },
        });
        expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(await response.text()).toBe(JSON.stringify({ toggles: expected }));
      }
    }
  });

  it('POST /proxy with toggle names answers those, unknown ones as disabled', async () => {
    const names = ['flag-0003-k3', 'no-such-flag', 'flag-0002-k2', 'flag-0003-k3'];
    const context = { userId: 'user-7', sessionId: '77', properties: { age: '42' } };
    const response = await fetch(`${proxy.origin}/proxy`, {
      method: 'POST',
      headers: { Authorization: KEY, 'Content-Type': 'application/json' },
      body: JSON.stringify({ context, toggles: names }),
    });
    const expected = evaluator.evaluate(contextOf('userId=user-7&sessionId=77&age=42'), names);
    expect(await response.text()).toBe(JSON.stringify({ toggles: expected }));
  });
});
