import { EventSource } from 'eventsource';
import { Unleash } from 'unleash-client';
import { InMemoryStorageProvider, UnleashClient } from 'unleash-proxy-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../fixtures/random.js';
import { type RunningProxy, startProxy } from '../helpers/start-proxy.js';
import {
  createApiToken,
  insertProject,
  type PostgresInstance,
  startPostgres,
  startUnleashServer,
  UnleashAdmin,
  type UnleashServer,
  waitFor,
} from './support/index.js';

// The frontend and client APIs against a real Unleash (unleash-server 8, two environments,
// three projects), compared answer for answer with Unleash's own frontend API.

interface Toggle {
  name: string;
  enabled: boolean;
  variant: { name: string; enabled: boolean; payload?: unknown };
  impressionData: boolean;
}

type Query = Record<string, string>;

const COUNTRIES = ['NO', 'SE', 'DK', 'DE', 'US'];
const DIFFERENTIAL_CONTEXTS = 150; // per token, two tokens, GET; plus POST below

/** A random context as SDKs send it in a query string (properties as bare keys). */
function randomQuery(rng: Rng): Query {
  const query: Query = { userId: `user-${rng.int(1, 100_000)}`, sessionId: `s-${rng.int(1, 1e6)}` };
  if (rng.chance(0.7)) query.country = rng.pick(COUNTRIES);
  if (rng.chance(0.7)) query.age = String(rng.int(10, 70));
  if (rng.chance(0.6)) query.appVersion = `${rng.int(0, 2)}.${rng.int(0, 5)}.${rng.int(0, 9)}`;
  if (rng.chance(0.3)) query.environment = rng.pick(['development', 'production', 'qa']);
  return query;
}

function sorted(toggles: readonly Toggle[]): Toggle[] {
  return [...toggles].sort((a, b) => a.name.localeCompare(b.name));
}

describe('Unleash tokens across environments, against a real Unleash 8', () => {
  let postgres: PostgresInstance | undefined;
  let unleash: UnleashServer | undefined;
  let proxy: RunningProxy | undefined;
  const tokens = {
    backendDev: '',
    backendProdWeb: '',
    frontendDev: '',
    frontendProdWeb: '',
    frontendProdWebShop: '',
  };

  const server = (): UnleashServer => {
    if (!unleash) throw new Error('unleash-server did not start');
    return unleash;
  };
  const running = (): RunningProxy => {
    if (!proxy) throw new Error('the proxy did not start');
    return proxy;
  };

  async function frontend(origin: string, token: string, query: Query): Promise<Response> {
    return fetch(`${origin}/api/frontend?${new URLSearchParams(query)}`, {
      headers: { authorization: token },
    });
  }
  async function togglesFrom(origin: string, token: string, query: Query): Promise<Toggle[]> {
    const response = await frontend(origin, token, query);
    expect(response.status, `${origin} ${JSON.stringify(query)}`).toBe(200);
    return sorted(((await response.json()) as { toggles: Toggle[] }).toggles);
  }

  beforeAll(async () => {
    postgres = await startPostgres();
    unleash = await startUnleashServer(postgres.url);
    const { url, adminToken } = unleash;
    await insertProject(postgres.url, 'web');
    await insertProject(postgres.url, 'shop');

    const admin = (project: string, environment: string) =>
      new UnleashAdmin(url, adminToken, { project, environment });
    // web: a 50 % rollout, a country rule, strategy variants (enabled in production only).
    for (const environment of ['development', 'production']) {
      const web = admin('web', environment);
      if (environment === 'development') {
        await web.createFeatureFlag('web-rollout');
        await web.createFeatureFlag('web-country', { impressionData: true });
        await web.createFeatureFlag('web-variants');
      }
      await web.addFlexibleRolloutStrategy('web-rollout', {
        rollout: environment === 'production' ? 50 : 20,
        stickiness: 'userId',
      });
      await web.enableFeatureFlag('web-rollout');
      await web.addFlexibleRolloutStrategy('web-country', {
        constraints: [{ contextName: 'country', operator: 'IN', values: ['NO', 'SE'] }],
      });
      await web.enableFeatureFlag('web-country');
      const strategy = await web.addFlexibleRolloutStrategy('web-variants', { rollout: 80 });
      await web.setStrategyVariants('web-variants', strategy.id, [
        { name: 'blue', payload: { type: 'string', value: 'b' } },
        { name: 'green', payload: { type: 'json', value: '{"g":1}' } },
      ]);
      if (environment === 'production') await web.enableFeatureFlag('web-variants');
    }
    // shop: semver and number rules.
    for (const environment of ['development', 'production']) {
      const shop = admin('shop', environment);
      if (environment === 'development') {
        await shop.createFeatureFlag('shop-semver');
        await shop.createFeatureFlag('shop-adults');
      }
      await shop.addFlexibleRolloutStrategy('shop-semver', {
        constraints: [{ contextName: 'appVersion', operator: 'SEMVER_GT', value: '1.2.0' }],
      });
      await shop.enableFeatureFlag('shop-semver');
      await shop.addFlexibleRolloutStrategy('shop-adults', {
        rollout: 70,
        stickiness: 'userId',
        constraints: [{ contextName: 'age', operator: 'NUM_GTE', value: '18' }],
      });
      await shop.enableFeatureFlag('shop-adults');
    }
    // default: legacy variants, an environment rule, a disabled flag.
    for (const environment of ['development', 'production']) {
      const main = admin('default', environment);
      if (environment === 'development') {
        await main.createFeatureFlag('default-legacy-variants');
        await main.createFeatureFlag('default-environment-rule');
        await main.createFeatureFlag('default-off');
      }
      await main.addFlexibleRolloutStrategy('default-legacy-variants');
      await main.setVariants('default-legacy-variants', [{ name: 'one' }, { name: 'two' }]);
      await main.enableFeatureFlag('default-legacy-variants');
      await main.addFlexibleRolloutStrategy('default-environment-rule', {
        constraints: [{ contextName: 'environment', operator: 'IN', values: ['production'] }],
      });
      await main.enableFeatureFlag('default-environment-rule');
      await main.addFlexibleRolloutStrategy('default-off');
    }

    tokens.backendDev = unleash.clientToken; // *:development
    tokens.frontendDev = unleash.frontendToken; // *:development
    tokens.backendProdWeb = await createApiToken(url, adminToken, {
      type: 'client',
      environment: 'production',
      projects: ['web'],
    });
    tokens.frontendProdWeb = await createApiToken(url, adminToken, {
      type: 'frontend',
      environment: 'production',
      projects: ['web'],
    });
    tokens.frontendProdWebShop = await createApiToken(url, adminToken, {
      type: 'frontend',
      environment: 'production',
      projects: ['web', 'shop'],
    });

    proxy = await startProxy({
      unleashUrl: `${url}/api`,
      unleashApiTokens: [tokens.backendDev, tokens.backendProdWeb],
      refreshInterval: 1000,
      metricsInterval: 1000,
      enableAllEndpoint: true,
    });
    // Unleash's frontend API serves from a cache refreshed on its own timer: wait until it
    // and the proxy show the last change for both tokens.
    // The environment rule's flag only shows for a caller naming `environment=production`, so
    // the dev token is probed that way: the other probe cannot see that flag's last change.
    const probe = { userId: 'probe', country: 'NO' };
    const devProbe = { ...probe, environment: 'production' };
    await waitFor(
      'Unleash and the proxy to show every flag',
      async () => {
        const [dev, prod] = await Promise.all([
          togglesFrom(url, tokens.frontendDev, devProbe),
          togglesFrom(url, tokens.frontendProdWeb, probe),
        ]);
        const [proxyDev, proxyProd] = await Promise.all([
          togglesFrom(running().origin, tokens.frontendDev, devProbe),
          togglesFrom(running().origin, tokens.frontendProdWeb, probe),
        ]);
        const names = (toggles: Toggle[]) => toggles.map((t) => t.name).join(',');
        if (!names(dev).includes('default-legacy-variants')) {
          const client = await fetch(`${url}/api/client/features`, {
            headers: { authorization: tokens.backendDev },
          });
          throw new Error(`${names(dev)} / client: ${(await client.text()).slice(0, 3000)}`);
        }
        if (!names(dev).includes('default-environment-rule')) throw new Error(names(dev));
        if (!names(prod).includes('web-country')) throw new Error(names(prod));
        if (names(proxyDev) !== names(dev) || names(proxyProd) !== names(prod)) {
          throw new Error(`proxy ${names(proxyDev)} | ${names(proxyProd)}`);
        }
        return true;
      },
      { timeoutMs: 60_000 },
    );
  }, 300_000);

  afterAll(async () => {
    await proxy?.stop();
    await unleash?.stop();
    await postgres?.stop();
  });

  it(`answers GET /api/frontend as Unleash does, for ${2 * DIFFERENTIAL_CONTEXTS} random contexts`, async () => {
    const rng = new Rng(20261201);
    let compared = 0;
    for (const token of [tokens.frontendDev, tokens.frontendProdWeb]) {
      for (let i = 0; i < DIFFERENTIAL_CONTEXTS; i++) {
        const query = randomQuery(rng);
        const [theirs, ours] = await Promise.all([
          togglesFrom(server().url, token, query),
          togglesFrom(running().origin, token, query),
        ]);
        expect(ours, JSON.stringify(query)).toEqual(theirs);
        compared += 1;
      }
    }
    expect(compared).toBe(2 * DIFFERENTIAL_CONTEXTS);
  });

  it('answers POST /api/frontend as Unleash does', async () => {
    const rng = new Rng(7);
    for (let i = 0; i < 50; i++) {
      const { userId, sessionId, environment, ...properties } = randomQuery(rng);
      const body = JSON.stringify({ context: { userId, sessionId, environment, properties } });
      const post = async (origin: string) => {
        const response = await fetch(`${origin}/api/frontend`, {
          method: 'POST',
          headers: { authorization: tokens.frontendProdWeb, 'content-type': 'application/json' },
          body,
        });
        expect(response.status).toBe(200);
        return sorted(((await response.json()) as { toggles: Toggle[] }).toggles);
      };
      expect(await post(running().origin), body).toEqual(await post(server().url));
    }
  });

  it('keeps the two environments apart and filters to the token projects', async () => {
    const query = { userId: 'u1', country: 'NO', age: '30', appVersion: '2.0.0' };
    const all = async (token: string) => {
      const response = await fetch(
        `${running().origin}/api/frontend/all?${new URLSearchParams(query)}`,
        {
          headers: { authorization: token },
        },
      );
      return sorted(((await response.json()) as { toggles: Toggle[] }).toggles);
    };
    const dev = await all(tokens.frontendDev);
    const prod = await all(tokens.frontendProdWeb);
    // web-variants is off in development and on in production.
    const devVariants = dev.find((t) => t.name === 'web-variants');
    expect(devVariants?.enabled).toBe(false);
    expect(prod.map((t) => t.name)).toEqual(['web-country', 'web-rollout', 'web-variants']);
    expect(dev.map((t) => t.name)).toEqual(
      expect.arrayContaining(['shop-semver', 'default-legacy-variants', 'web-country']),
    );
    const inProduction = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const response = await fetch(
          `${running().origin}/api/frontend/features/web-variants?userId=user-${i}`,
          { headers: { authorization: tokens.frontendProdWeb } },
        );
        return ((await response.json()) as Toggle).enabled;
      }),
    );
    expect(inProduction).toContain(true);
  });

  it('names the projects no configured token covers', async () => {
    const response = await frontend(running().origin, tokens.frontendProdWebShop, {});
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      code: 'SCOPE_NOT_COVERED',
      details: { missing: 'shop:production' },
    });
  });

  it.each([
    { mode: 'GET', usePOSTrequests: false },
    { mode: 'POST', usePOSTrequests: true },
  ])(
    'gives unleash-proxy-client in $mode mode what Unleash gives it',
    async ({ usePOSTrequests }) => {
      const startClient = async (origin: string) => {
        const client = new UnleashClient({
          url: `${origin}/api/frontend`,
          clientKey: tokens.frontendProdWeb,
          appName: 'e2e-browser-app',
          refreshInterval: 0,
          disableMetrics: true,
          usePOSTrequests,
          storageProvider: new InMemoryStorageProvider(),
          context: { userId: 'sdk-user', properties: { country: 'SE' } },
        });
        const ready = new Promise<void>((resolve) => client.on('ready', () => resolve()));
        await client.start();
        await ready;
        return client;
      };
      const [theirs, ours] = await Promise.all([
        startClient(server().url),
        startClient(running().origin),
      ]);
      try {
        expect(sorted(ours.getAllToggles() as Toggle[])).toEqual(
          sorted(theirs.getAllToggles() as Toggle[]),
        );
        expect(ours.getAllToggles().length).toBeGreaterThan(0);
      } finally {
        ours.stop();
        theirs.stop();
      }
    },
  );

  it('gives the Node unleash-client the flags Unleash gives it, evaluating the same', async () => {
    const startSdk = async (url: string) => {
      const sdk = new Unleash({
        url,
        appName: 'e2e-backend-app',
        customHeaders: { Authorization: tokens.backendProdWeb },
        refreshInterval: 60_000,
        disableMetrics: true,
        skipInstanceCountWarning: true,
      });
      await new Promise<void>((resolve, reject) => {
        sdk.once('synchronized', () => resolve());
        sdk.once('error', reject);
      });
      return sdk;
    };
    const [theirs, ours] = await Promise.all([
      startSdk(`${server().url}/api`),
      startSdk(`${running().origin}/api`),
    ]);
    try {
      const names = theirs
        .getFeatureToggleDefinitions()
        .map((f) => f.name)
        .sort();
      expect(
        ours
          .getFeatureToggleDefinitions()
          .map((f) => f.name)
          .sort(),
      ).toEqual(names);
      const rng = new Rng(99);
      for (let i = 0; i < 100; i++) {
        const { userId = '', sessionId = '', ...properties } = randomQuery(rng);
        const context = { userId, sessionId, properties };
        for (const name of names) {
          expect(ours.isEnabled(name, context), name).toBe(theirs.isEnabled(name, context));
          expect(ours.getVariant(name, context), name).toEqual(theirs.getVariant(name, context));
        }
      }
    } finally {
      ours.destroy();
      theirs.destroy();
    }
  });

  it('answers /api/client/features with an ETag and 304, and refuses frontend tokens', async () => {
    const url = `${running().origin}/api/client/features`;
    const first = await fetch(url, { headers: { authorization: tokens.backendProdWeb } });
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag') ?? '';
    // Node's fetch adds cache-control: no-cache to a request with If-None-Match; the proxy
    // decides on If-None-Match alone, so the 304 holds for it too.
    const again = await fetch(url, {
      headers: { authorization: tokens.backendProdWeb, 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    const refused = await fetch(url, { headers: { authorization: tokens.frontendProdWeb } });
    expect(refused.status).toBe(403);
  });

  it("tells the real unleash-proxy-client of a change in its token's environment, through /api/frontend/events", async () => {
    const { origin } = running();
    const client = new UnleashClient({
      url: `${origin}/api/frontend`,
      clientKey: tokens.frontendDev,
      appName: 'e2e-push',
      fetch,
      storageProvider: new InMemoryStorageProvider(),
      refreshInterval: 3_600, // seconds: only the stream can explain an update in this test
      disableMetrics: true,
      context: { userId: 'probe' },
    });
    // The lines the README gives, with Node's EventSource from npm in place of a browser's.
    const changes = new EventSource(
      `${origin}/api/frontend/events?token=${encodeURIComponent(tokens.frontendDev)}`,
    );
    changes.addEventListener('message', () => void client.updateToggles());
    const opened = new Promise((resolve) =>
      changes.addEventListener('open', resolve, { once: true }),
    );
    const admin = new UnleashAdmin(server().url, server().adminToken, {
      project: 'default',
      environment: 'development',
    });
    try {
      await Promise.all([client.start(), opened]);
      expect(client.isEnabled('default-off')).toBe(false);
      const turnedOn = new Promise<void>((resolve) =>
        client.on('update', () => {
          if (client.isEnabled('default-off')) resolve();
        }),
      );
      await admin.enableFeatureFlag('default-off');
      await turnedOn;
      expect(running().logs()).not.toContain(tokens.frontendDev);
    } finally {
      changes.close();
      client.stop();
      await admin.disableFeatureFlag('default-off');
    }
  });
});
