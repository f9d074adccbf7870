import { afterEach, describe, expect, it } from 'vitest';
import { usageFlags } from '../fixtures/usage-flags.js';
import { type OnlineProxy, startOnlineProxy } from '../helpers/online-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

const CLIENT_KEY = 'frontend-key';

describe('backstage: liveness, readiness and Prometheus', () => {
  let online: OnlineProxy | undefined;

  afterEach(async () => {
    await online?.stop();
    online = undefined;
  });

  async function start(env: Record<string, string> = {}, { down = false } = {}) {
    online = await startOnlineProxy(
      {
        unleashApiToken: 'upstream-token',
        clientKeys: [CLIENT_KEY],
        refreshInterval: 100,
        metricsInterval: 3_600_000,
      },
      env,
      usageFlags,
      down ? { waitUntilReady: false, upstreamFault: { kind: 'status', status: 503 } } : {},
    );
    return { upstream: online.fake, proxy: online.proxy };
  }

  it('answers liveness always, and readiness only while Unleash confirms the flags', async () => {
    const { upstream, proxy } = await start({ PROXY_READINESS_MAX_AGE_MS: '600' });
    const status = async (path: string) => (await fetch(`${proxy.origin}${path}`)).status;
    await waitFor(async () => (await status('/proxy/health/ready')) === 200, 'ready');

    upstream.setFault({ kind: 'status', status: 500 });
    await waitFor(async () => (await status('/proxy/health/ready')) === 503, 'not ready');
    const stale = await fetch(`${proxy.origin}/proxy/health/ready`);
    expect(await stale.json()).toMatchObject({ statusCode: 503, code: 'FLAGS_STALE' });
    // Still serving the cached flags, still alive, and /proxy/health as before.
    expect(await status('/proxy/health/live')).toBe(200);
    expect(await status('/proxy/internal-backstage/health')).toBe(200);
    expect(await status('/proxy/health')).toBe(200);

    upstream.setFault(undefined);
    await waitFor(async () => (await status('/proxy/health/ready')) === 200, 'ready again');
  });

  it('is not ready before the flags are loaded, while alive', async () => {
    const { proxy } = await start({}, { down: true });
    expect((await fetch(`${proxy.origin}/proxy/health/ready`)).status).toBe(503);
    expect((await fetch(`${proxy.origin}/proxy/health/live`)).status).toBe(200);
  });

  it('exposes the proxy series and the process series, without a key', async () => {
    const { upstream, proxy } = await start();
    await waitFor(
      () => upstream.requestsTo('/api/client/features').length >= 2,
      'a second poll (a 304)',
    );
    await fetch(`${proxy.origin}/proxy?userId=alice`, { headers: { authorization: CLIENT_KEY } });
    await fetch(`${proxy.origin}/proxy`);
    await fetch(`${proxy.origin}/proxy/client/metrics`, {
      method: 'POST',
      headers: { authorization: CLIENT_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        appName: 'web',
        instanceId: 'browser',
        bucket: { start: 0, stop: 1, toggles: { checkout: { yes: 4, no: 1, variants: {} } } },
      }),
    });

    const response = await fetch(`${proxy.origin}/proxy/internal-backstage/prometheus`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(
      /unleash_proxy_http_requests_total\{method="GET",route="\/proxy",status="200"\} 1/,
    );
    expect(text).toMatch(
      /unleash_proxy_http_requests_total\{method="GET",route="\/proxy",status="401"\} 1/,
    );
    expect(text).toContain('unleash_proxy_http_request_duration_seconds_bucket{');
    expect(text).toMatch(/unleash_proxy_upstream_fetches_total\{outcome="changed"\} [1-9]/);
    expect(text).toMatch(/unleash_proxy_upstream_fetches_total\{outcome="unchanged"\} [1-9]/);
    expect(text).toMatch(/unleash_proxy_last_successful_sync_timestamp_seconds [1-9]/);
    expect(text).toContain('unleash_proxy_flags 3');
    expect(text).toContain('unleash_proxy_usage_evaluations_received_total 5');
    expect(text).toContain('unleash_proxy_usage_evaluations_pending 5');
    expect(text).toContain('unleash_proxy_usage_evaluations_forwarded_total 0');
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    // Paths nobody routes are one series, not one per made-up URL.
    await fetch(`${proxy.origin}/nothing/here/123`);
    const after = await (await fetch(`${proxy.origin}/proxy/internal-backstage/prometheus`)).text();
    expect(after).toMatch(/route="unmatched",status="404"\} 1/);
    expect(after).not.toContain('/nothing/here');
  });

  it("exposes the original proxy's series with its meaning, next to ours", async () => {
    const startedAt = Date.now();
    const { upstream, proxy } = await start();
    const scrape = async () =>
      (await fetch(`${proxy.origin}/proxy/internal-backstage/prometheus`)).text();
    const value = (text: string, name: string): number => {
      const found = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1];
      if (found === undefined) throw new Error(`no series ${name}`);
      return Number(found);
    };
    await waitFor(
      () => upstream.requestsTo('/api/client/features').length >= 3,
      'polls answered 304 after the first 200',
    );
    const first = await scrape();
    expect(first).toContain('# TYPE unleash_proxy_up counter');
    expect(value(first, 'unleash_proxy_up')).toBe(1);
    const updatedAt = value(first, 'last_metrics_update_epoch_timestamp_ms');
    const fetchedAt = value(first, 'last_metrics_fetch_epoch_timestamp_ms');
    expect(updatedAt).toBeGreaterThanOrEqual(startedAt);
    // Polls answered 304 move the fetch time, not the update time.
    expect(fetchedAt).toBeGreaterThan(updatedAt);
    expect(fetchedAt).toBeLessThanOrEqual(Date.now());
    // Ours, next to them.
    expect(first).toMatch(/unleash_proxy_last_successful_sync_timestamp_seconds [1-9]/);

    upstream.setState({ features: [] });
    await waitFor(
      async () => value(await scrape(), 'last_metrics_update_epoch_timestamp_ms') > fetchedAt,
      'the update time to follow changed flags',
    );
  });
});
