import { setTimeout as sleep } from 'node:timers/promises';
import { InMemoryStorageProvider, UnleashClient } from 'unleash-proxy-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itNeedsMetricsRoute } from '../helpers/pending.js';
import { type RunningProxy, startProxy } from '../helpers/start-proxy.js';
import {
  type ClientFeature,
  type PostgresInstance,
  startPostgres,
  startUnleashServer,
  UnleashAdmin,
  type UnleashServer,
  waitFor,
  waitForClientFeature,
} from './support/index.js';

// The proxy in front of a real unleash-server 8.2.0 (on a throwaway PostgreSQL), configured
// the way users do it: UNLEASH_URL and a client token.

const CLIENT_KEY = 'real-unleash-client-key';
const REFRESH_INTERVAL_MS = 2_000;

interface ProxyToggle {
  name: string;
  enabled: boolean;
  variant: { name: string; enabled: boolean };
}

describe('the proxy in front of a real Unleash', () => {
  let postgres: PostgresInstance | undefined;
  let unleash: UnleashServer | undefined;
  let proxy: RunningProxy | undefined;
  let admin: UnleashAdmin;

  const running = (): { unleash: UnleashServer; proxy: RunningProxy } => {
    if (!unleash || !proxy) throw new Error('setup did not finish');
    return { unleash, proxy };
  };

  /** What GET /proxy answers for a user: the enabled flags. */
  async function enabledFor(userId: string): Promise<ProxyToggle[]> {
    const response = await fetch(`${running().proxy.origin}/proxy?userId=${userId}`, {
      headers: { authorization: CLIENT_KEY },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { toggles: ProxyToggle[] }).toggles;
  }

  function clientFeatureWhen(
    name: string,
    matches: (feature: ClientFeature | undefined) => boolean,
  ): Promise<ClientFeature | undefined> {
    if (!unleash) throw new Error('unleash-server did not start');
    return waitForClientFeature(unleash.url, unleash.clientToken, name, matches);
  }

  /**
   * Waits until Unleash's own client API shows a change (its ~1 s revision cache), then gives
   * the proxy two refresh intervals to show it too.
   */
  async function expectProxyToFollow(
    name: string,
    inUnleash: (feature: ClientFeature | undefined) => boolean,
    inProxy: (toggles: ProxyToggle[]) => boolean,
  ): Promise<void> {
    await clientFeatureWhen(name, inUnleash);
    const deadline = Date.now() + 2 * REFRESH_INTERVAL_MS;
    let followed = inProxy(await enabledFor('alice'));
    while (!followed && Date.now() < deadline) {
      await sleep(100);
      followed = inProxy(await enabledFor('alice'));
    }
    expect(followed, `${name} changed in the proxy within two refresh intervals`).toBe(true);
  }

  beforeAll(async () => {
    postgres = await startPostgres();
    unleash = await startUnleashServer(postgres.url);
    admin = new UnleashAdmin(unleash.url, unleash.adminToken);

    await admin.createFeatureFlag('real-for-everyone');
    await admin.addFlexibleRolloutStrategy('real-for-everyone');
    await admin.enableFeatureFlag('real-for-everyone');
    await admin.createFeatureFlag('real-for-alice');
    await admin.addFlexibleRolloutStrategy('real-for-alice', {
      constraints: [{ contextName: 'userId', operator: 'IN', values: ['alice'] }],
    });
    await admin.enableFeatureFlag('real-for-alice');
    await clientFeatureWhen('real-for-alice', (feature) => feature?.enabled === true);

    proxy = await startProxy(
      {},
      {
        UNLEASH_URL: `${unleash.url}/api`,
        UNLEASH_API_TOKEN: unleash.clientToken,
        UNLEASH_PROXY_CLIENT_KEYS: CLIENT_KEY,
        UNLEASH_FETCH_INTERVAL: String(REFRESH_INTERVAL_MS),
        UNLEASH_METRICS_INTERVAL: '1000',
      },
    );
  });

  afterAll(async () => {
    await proxy?.stop();
    await unleash?.stop();
    await postgres?.stop();
  });

  it('serves the flags created through the admin API, evaluated per user', async () => {
    const forAlice = (await enabledFor('alice')).map((toggle) => toggle.name);
    expect(forAlice).toEqual(expect.arrayContaining(['real-for-everyone', 'real-for-alice']));
    const forBob = (await enabledFor('bob')).map((toggle) => toggle.name);
    expect(forBob).toContain('real-for-everyone');
    expect(forBob).not.toContain('real-for-alice');

    const response = await fetch(`${running().proxy.origin}/proxy`, {
      method: 'POST',
      headers: { authorization: CLIENT_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ context: { userId: 'bob' }, toggles: ['real-for-alice'] }),
    });
    expect(await response.json()).toMatchObject({
      toggles: [{ name: 'real-for-alice', enabled: false }],
    });
  });

  it('follows changes made in Unleash within two refresh intervals', async () => {
    await admin.disableFeatureFlag('real-for-alice');
    await expectProxyToFollow(
      'real-for-alice',
      (feature) => feature?.enabled === false,
      (toggles) => !toggles.some((toggle) => toggle.name === 'real-for-alice'),
    );

    await admin.createFeatureFlag('real-created-later');
    await admin.addFlexibleRolloutStrategy('real-created-later');
    await admin.enableFeatureFlag('real-created-later');
    await expectProxyToFollow(
      'real-created-later',
      (feature) => feature?.enabled === true,
      (toggles) => toggles.some((toggle) => toggle.name === 'real-created-later'),
    );
  });

  itNeedsMetricsRoute('passes the metrics the SDK sends on to Unleash', async () => {
    const statuses: number[] = [];
    const client = new UnleashClient({
      url: `${running().proxy.origin}/proxy`,
      clientKey: CLIENT_KEY,
      appName: 'real-unleash-sdk',
      disableRefresh: true,
      metricsInterval: 60,
      metricsIntervalInitial: 0,
      storageProvider: new InMemoryStorageProvider(),
      fetch: async (input: string, init?: RequestInit) => {
        const response = await fetch(input, init);
        if (input.endsWith('/client/metrics')) statuses.push(response.status);
        return response;
      },
    });
    try {
      await client.start();
      for (let i = 0; i < 5; i++) client.isEnabled('real-for-everyone');
      await client.sendMetrics();
    } finally {
      client.stop();
    }
    expect(statuses).toHaveLength(1);
    expect(statuses[0]).toBeGreaterThanOrEqual(200);
    expect(statuses[0]).toBeLessThan(300);

    // The proxy forwards every second; Unleash writes what it received every 5 s.
    const yes = await waitFor(
      'the counts in Unleash',
      async () => {
        const { data } = await admin.getRawMetrics('real-for-everyone');
        const total = data.reduce((sum, bucket) => sum + bucket.yes, 0);
        return total >= 5 ? total : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
    expect(yes).toBe(5);
  });
});
