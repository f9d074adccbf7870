import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClientFeature,
  type PostgresInstance,
  sendClientMetrics,
  startPostgres,
  startUnleashServer,
  UnleashAdmin,
  type UnleashServer,
  waitFor,
  waitForClientFeature,
} from './support/index.js';

// Proves the e2e infrastructure itself: a real Unleash on a throwaway
// PostgreSQL, driven through the admin API and observed through the client API.
describe('unleash-server 8.2.0 on throwaway PostgreSQL', () => {
  let postgres: PostgresInstance | undefined;
  let unleash: UnleashServer | undefined;
  let admin: UnleashAdmin;

  beforeAll(async () => {
    const startedAt = Date.now();
    postgres = await startPostgres();
    const postgresReadyAt = Date.now();
    unleash = await startUnleashServer(postgres.url);
    console.info(
      `PostgreSQL ready in ${postgresReadyAt - startedAt} ms, ` +
        `unleash-server ready in ${Date.now() - postgresReadyAt} ms`,
    );
    admin = new UnleashAdmin(unleash.url, unleash.adminToken);
  });

  afterAll(async () => {
    await unleash?.stop();
    await postgres?.stop();
  });

  const server = (): UnleashServer => {
    if (!unleash) throw new Error('unleash-server did not start');
    return unleash;
  };

  /** Admin changes reach the client API after Unleash's ~1 s revision tick, so poll. */
  const clientFeatureWhen = (
    name: string,
    matches: (feature: ClientFeature | undefined) => boolean,
  ): Promise<ClientFeature | undefined> =>
    waitForClientFeature(server().url, server().clientToken, name, matches);

  it('serves a flag created through the admin API to the client API, and follows toggles', async () => {
    const name = 'e2e-proof-flag';
    await admin.createFeatureFlag(name, { description: 'created by the e2e proof test' });
    const strategy = await admin.addFlexibleRolloutStrategy(name, { rollout: 100 });
    expect(strategy.id).toEqual(expect.any(String));

    const created = await clientFeatureWhen(name, (feature) => feature !== undefined);
    expect(created).toMatchObject({ name, enabled: false });

    await admin.enableFeatureFlag(name);
    const enabled = await clientFeatureWhen(name, (feature) => feature?.enabled === true);
    expect(enabled?.strategies).toEqual([
      expect.objectContaining({
        name: 'flexibleRollout',
        parameters: { rollout: '100', stickiness: 'default', groupId: name },
      }),
    ]);

    await admin.disableFeatureFlag(name);
    await clientFeatureWhen(name, (feature) => feature?.enabled === false);
  });

  it('serves legacy environment variants and strategy variants', async () => {
    const name = 'e2e-variants-flag';
    await admin.createFeatureFlag(name, { type: 'experiment' });
    const strategy = await admin.addFlexibleRolloutStrategy(name);
    await admin.enableFeatureFlag(name);
    await admin.setVariants(name, [
      { name: 'blue', payload: { type: 'string', value: 'b' } },
      { name: 'red', payload: { type: 'json', value: '{"r":1}' } },
    ]);
    await admin.setStrategyVariants(name, strategy.id, [{ name: 'only', weight: 1000 }]);

    // Unleash 8's admin API no longer lists legacy variants on the flag (7 did); its client API
    // still serves them, which is what the proxy reads (checked below).
    const flag = await admin.getFeatureFlag(name);
    const environment = flag.environments.find((env) => env.name === admin.environment);
    expect(environment?.strategies[0]?.variants?.map((variant) => variant.name)).toEqual(['only']);

    const feature = await clientFeatureWhen(
      name,
      (candidate) => candidate?.strategies[0]?.variants?.length === 1,
    );
    expect(feature?.variants).toEqual([
      expect.objectContaining({
        name: 'blue',
        weight: 500,
        payload: { type: 'string', value: 'b' },
      }),
      expect.objectContaining({
        name: 'red',
        weight: 500,
        payload: { type: 'json', value: '{"r":1}' },
      }),
    ]);
    expect(feature?.strategies[0]?.variants).toEqual([
      expect.objectContaining({ name: 'only', weight: 1000 }),
    ]);

    await admin.deleteFeatureFlag(name);
    await clientFeatureWhen(name, (candidate) => candidate === undefined);
  });

  it('exposes metrics reported on the client API through the admin API', async () => {
    const name = 'e2e-metrics-flag';
    await admin.createFeatureFlag(name);
    const now = new Date();
    await sendClientMetrics(server().url, server().clientToken, 'e2e-metrics-app', {
      start: new Date(now.getTime() - 60_000).toISOString(),
      stop: now.toISOString(),
      toggles: { [name]: { yes: 3, no: 1, variants: {} } },
    });

    // Unleash flushes buffered metrics to the database every 5 s.
    const metrics = await waitFor(
      'metrics to be stored',
      async () => {
        const { data } = await admin.getRawMetrics(name);
        return data.length > 0 ? data : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
    expect(metrics).toEqual([
      expect.objectContaining({
        featureName: name,
        appName: 'e2e-metrics-app',
        environment: admin.environment,
        yes: 3,
        no: 1,
      }),
    ]);
  });
});
