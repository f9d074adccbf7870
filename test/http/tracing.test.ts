import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { TEST_FLAGS } from '../fixtures/test-flags.js';
import { FakeUnleash } from '../helpers/fake-unleash.js';
import {
  API_TOKEN,
  CLIENT_KEY,
  type OnlineProxy,
  startOnlineProxy,
} from '../helpers/online-proxy.js';
import { OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.js';
import { type RunningProxy, startProxy } from '../helpers/start-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * OpenTelemetry traces as a collector receives them: the proxy exports to an OTLP/HTTP
 * receiver in this process, in both protocols. Spans are read after the proxy stops, which
 * exports everything pending.
 */

const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

describe('OpenTelemetry traces', () => {
  let receiver: OtlpReceiver | undefined;
  let online: OnlineProxy | undefined;

  afterEach(async () => {
    await online?.stop();
    await receiver?.stop();
    online = undefined;
    receiver = undefined;
  });

  async function start(env: Record<string, string>): Promise<{
    online: OnlineProxy;
    receiver: OtlpReceiver;
  }> {
    receiver = await new OtlpReceiver().start();
    online = await startOnlineProxy(
      { metricsInterval: 100, enableAllEndpoint: true },
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'flags-test', ...env },
    );
    return { online, receiver };
  }

  it.each([
    ['http/protobuf', 'application/x-protobuf'],
    ['http/json', 'application/json'],
  ])(
    'exports over %s: a server span per request with the route template and status',
    async (protocol, contentType) => {
      const { online, receiver } = await start({ OTEL_EXPORTER_OTLP_PROTOCOL: protocol });
      const answer = await online.request('/proxy?userId=alice&secretProperty=hunter2');
      expect(answer.status).toBe(200);
      expect(
        (await online.request('/proxy/all', { headers: { authorization: 'wrong' } })).status,
      ).toBe(401);
      await online.stop();

      const get = await receiver.span((s) => s.kind === SERVER && s.name === 'GET /proxy');
      expect(get.encoding).toContain(contentType);
      expect(get.attributes).toEqual({
        'http.request.method': 'GET',
        'http.route': '/proxy',
        'http.response.status_code': 200,
      });
      expect(get.resource['service.name']).toBe('flags-test');
      const refused = await receiver.span((s) => s.kind === SERVER && s.name === 'GET /proxy/all');
      expect(refused.attributes['http.response.status_code']).toBe(401);
      // A 4xx is the caller's mistake, not the server's error.
      expect(refused.statusCode).not.toBe(ERROR);
      expect(receiver.exports.every((e) => e.contentType.includes(contentType))).toBe(true);
    },
  );

  it('never exports the query string, the client key or the API token', async () => {
    const { online, receiver } = await start({});
    await online.request('/proxy?userId=alice&properties[email]=alice%40example.com');
    await online.stop();
    await receiver.span((s) => s.name === 'GET /proxy');
    const exported = JSON.stringify(receiver.spans);
    for (const secret of ['alice', 'example.com', 'userId', CLIENT_KEY, 'test-api-token', '?']) {
      expect(exported).not.toContain(secret);
    }
  });

  it('continues the caller’s trace (traceparent) and carries it to Unleash', async () => {
    const { online, receiver } = await start({});
    const traceparent = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`;
    expect((await online.request('/proxy', { headers: { traceparent } })).status).toBe(200);
    await online.stop();
    const server = await receiver.span((s) => s.kind === SERVER && s.traceId === CALLER_TRACE);
    expect(server.parentSpanId).toBe(CALLER_SPAN);
    expect(server.name).toBe('GET /proxy');
  });

  it('has client spans for the flag fetches and metrics uploads, whose traceparent reaches Unleash', async () => {
    const { online, receiver } = await start({});
    const report = {
      appName: 'web',
      instanceId: 'i-1',
      bucket: {
        start: new Date().toISOString(),
        stop: new Date().toISOString(),
        toggles: { 'simple-on': { yes: 3, no: 1 } },
      },
    };
    const posted = await online.request('/proxy/client/metrics', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(report),
    });
    expect(posted.status).toBeLessThan(300);
    const fake = online.fake;
    await waitFor(() => fake.requestsTo('/api/client/metrics').length > 0, 'a metrics upload');
    await online.stop();

    const fetchSpan = await receiver.span((s) => s.name === 'unleash fetch flags');
    expect(fetchSpan.kind).toBe(CLIENT);
    expect(fetchSpan.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.path': '/api/client/features',
      'server.address': '127.0.0.1',
    });
    expect([200, 304]).toContain(fetchSpan.attributes['http.response.status_code']);
    const upload = await receiver.span((s) => s.name === 'unleash upload metrics');
    expect(upload.attributes).toMatchObject({
      'http.request.method': 'POST',
      'url.path': '/api/client/metrics',
    });

    // Unleash received the spans' own trace context.
    const traceparentOf = (path: string) =>
      fake.requestsTo(path).map((request) => String(request.headers.traceparent ?? ''));
    expect(traceparentOf('/api/client/features')).toContain(
      `00-${fetchSpan.traceId}-${fetchSpan.spanId}-01`,
    );
    expect(traceparentOf('/api/client/metrics')).toContain(
      `00-${upload.traceId}-${upload.spanId}-01`,
    );
  });

  it('has fetch spans for the sync of every scope, and validation spans, with no token in them', async () => {
    const fake = await new FakeUnleash(TEST_FLAGS).start();
    const production = 'default:production.prod-backend-secret';
    const frontend = '*:production.front-prod-secret';
    fake.setTokens([
      { token: API_TOKEN, type: 'backend', environment: 'development', projects: ['*'] },
      { token: production, type: 'backend', environment: 'production', projects: ['*'] },
      { token: frontend, type: 'frontend', environment: 'production', projects: ['*'] },
    ]);
    const spans = await new OtlpReceiver().start();
    receiver = spans;
    let proxy: RunningProxy | undefined;
    try {
      proxy = await startProxy(
        { unleashUrl: fake.url, unleashApiToken: API_TOKEN, refreshInterval: 100 },
        {
          UNLEASH_API_TOKENS: production,
          UNLEASH_PROXY_CLIENT_KEYS: CLIENT_KEY,
          OTEL_EXPORTER_OTLP_ENDPOINT: spans.url,
        },
      );
      const fetchesWith = (token: string) =>
        fake
          .requestsTo('/api/client/features')
          .filter((request) => request.headers.authorization === token);
      await waitFor(
        () => fetchesWith(API_TOKEN).length > 1 && fetchesWith(production).length > 1,
        'two fetches of each scope',
      );
      const answer = await fetch(`${proxy.origin}/api/frontend`, {
        headers: { authorization: frontend },
      });
      expect(answer.status).toBe(200);
      await proxy.stop();
      proxy = undefined;

      // Each scope's fetches carried the trace context of an exported client span.
      await spans.span((s) => s.name === 'unleash fetch flags');
      const fetchSpans = new Set(
        spans.spans
          .filter((s) => s.name === 'unleash fetch flags' && s.kind === CLIENT)
          .map((s) => `00-${s.traceId}-${s.spanId}-01`),
      );
      for (const token of [API_TOKEN, production]) {
        const traced = fetchesWith(token).filter((request) =>
          fetchSpans.has(String(request.headers.traceparent)),
        );
        expect(traced.length, token).toBeGreaterThan(0);
      }
      const validation = await spans.span((s) => s.name === 'unleash validate tokens');
      expect(validation.attributes).toMatchObject({
        'http.request.method': 'POST',
        'url.path': '/edge/validate',
      });
      const exported = JSON.stringify(spans.spans);
      for (const secret of ['test-api-token', 'prod-backend-secret', 'front-prod-secret']) {
        expect(exported).not.toContain(secret);
      }
    } finally {
      await proxy?.stop();
      await fake.stop();
    }
  });

  it('is off without an endpoint, or with OTEL_SDK_DISABLED, and sends no traceparent then', async () => {
    receiver = await new OtlpReceiver().start();
    online = await startOnlineProxy({}, {});
    await online.request('/proxy');
    const fake = online.fake;
    await online.stop();
    online = undefined;
    expect(fake.requestsTo('/api/client/features').every((r) => !r.headers.traceparent)).toBe(true);

    online = await startOnlineProxy(
      {},
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SDK_DISABLED: 'true' },
    );
    await online.request('/proxy');
    await online.stop();
    online = undefined;
    expect(receiver.spans).toEqual<ReceivedSpan[]>([]);
  });

  it('refuses at boot a protocol it does not offer, and headers that are not key=value', () => {
    expect(() =>
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      }),
    ).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL="grpc": expected one of http\/protobuf, http\/json/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_HEADERS: 'Bearer abc' })).toThrow(
      /OTEL_EXPORTER_OTLP_HEADERS=\(value hidden\)/,
    );
  });
});
