import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { compileEvaluator } from '../../../src/evaluation/compile/index.js';
import { LiveFlags } from '../../../src/evaluation/live-flags.js';
import { createLogger } from '../../../src/logger.js';
import { createTokenAccess } from '../../../src/scopes/index.js';
import { ScopeSync } from '../../../src/scopes/scope-sync.js';
import { createFlagStore } from '../../../src/unleash/flag-store.js';
import type { FlagSnapshot } from '../../../src/unleash/snapshot.js';
import { NO_UPSTREAM_TRACING } from '../../../src/unleash/upstream-tracer.js';
import { type FakeToken, FakeUnleash } from '../../helpers/fake-unleash.js';
import { onlineOptions } from '../../helpers/online-proxy.js';
import { waitFor } from '../../helpers/wait-for.js';

// ScopeSync compiles one flag set per environment on every flag update, except for an
// environment whose only scope is the primary token's: that set is the one /proxy serves,
// compiled by the app already. Real stores synced from a fake Unleash; the evaluator factory
// counts what ScopeSync compiles.

const PRIMARY = 'default:development.scope-sync-primary';
/** Its projects are learned from Unleash: a second scope of the primary's environment then. */
const SECOND = '[]:development.scope-sync-second';
const TOKENS: FakeToken[] = [
  { token: PRIMARY, type: 'backend', environment: 'development', projects: ['default'] },
  { token: SECOND, type: 'backend', environment: 'development', projects: ['web'] },
];

const flag = (name: string, project: string, enabled = true) => ({
  name,
  project,
  enabled,
  strategies: [{ name: 'default', parameters: {}, constraints: [] }],
  variants: [],
  impressionData: false,
});

const names = (snapshot: FlagSnapshot | undefined) =>
  (snapshot?.features ?? []).map((feature) => feature.name).sort();

const EVERY_PROJECT = { environment: 'development', projects: ['*'] };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The app's primary store and set, and a ScopeSync over them, as src/app.ts wires them. */
async function startSync(fake: FakeUnleash, tokens: string[]) {
  const backupPath = mkdtempSync(join(tmpdir(), 'scope-sync-'));
  cleanups.push(() => rmSync(backupPath, { recursive: true, force: true }));
  const config = loadConfig(
    {},
    onlineOptions(fake, {
      unleashApiTokens: tokens,
      refreshInterval: 100,
      metricsInterval: 60_000,
      backupPath,
    }),
  );
  const logger = createLogger({ level: 'silent', json: true });
  const compile = (snapshot: FlagSnapshot) => compileEvaluator(snapshot, { customStrategies: [] });
  const store = createFlagStore({ config, logger, strategies: [] });
  const flags = new LiveFlags(compile);
  store.onUpdate((snapshot) => flags.update(snapshot));
  const compiledByScopes: FlagSnapshot[] = [];
  const scopeSync = new ScopeSync({
    config,
    logger,
    strategies: [],
    buildEvaluator: (snapshot) => {
      compiledByScopes.push(snapshot);
      return compile(snapshot);
    },
    primary: { store, flags },
    upstream: NO_UPSTREAM_TRACING,
  });
  const { resolver } = createTokenAccess(config, logger, scopeSync);
  scopeSync.watch(resolver);
  cleanups.push(async () => {
    await resolver.close();
    await scopeSync.close();
    await store.close();
  });
  await store.ready();
  await scopeSync.ready();
  /** Revalidates the configured tokens now: those `fake` no longer knows are revoked. */
  const revalidate = () => resolver.revalidate();
  return { scopeSync, flags, compiledByScopes, revalidate };
}

describe('ScopeSync with the primary token alone in its environment', () => {
  it("compiles nothing of its own: the environment's set is the one /proxy serves", async () => {
    const fake = await new FakeUnleash().start();
    cleanups.push(() => fake.stop());
    fake.setTokens(TOKENS);
    fake.setStateFor(PRIMARY, { features: [flag('a', 'default')] });
    const { scopeSync, flags, compiledByScopes } = await startSync(fake, [PRIMARY]);
    await waitFor(() => scopeSync.scopesIn('development').length === 1, 'the primary scope');

    for (const enabled of [false, true]) {
      fake.setStateFor(PRIMARY, {
        features: [flag('a', 'default', enabled), flag('b', 'default')],
      });
      await waitFor(
        () => flags.current()?.snapshot.features.find((f) => f.name === 'a')?.enabled === enabled,
        'the primary store to load the change',
      );
      expect(scopeSync.flagSetFor(EVERY_PROJECT)).toBe(flags.current());
    }
    expect(compiledByScopes).toEqual([]);
  });
});

describe('ScopeSync with a second scope in the primary environment', () => {
  it('compiles their union while both are served, and nothing once the primary is alone again', async () => {
    const fake = await new FakeUnleash().start();
    cleanups.push(() => fake.stop());
    fake.setTokens(TOKENS);
    fake.setStateFor(PRIMARY, { features: [flag('a', 'default')] });
    fake.setStateFor(SECOND, { features: [flag('w', 'web')] });
    const { scopeSync, flags, compiledByScopes, revalidate } = await startSync(fake, [
      PRIMARY,
      SECOND,
    ]);
    // The second token's projects are known once Unleash has answered about it.
    await waitFor(() => scopeSync.scopesIn('development').length === 2, 'the second scope');
    await waitFor(
      () => names(scopeSync.flagSetFor(EVERY_PROJECT)?.snapshot).join() === 'a,w',
      'the union of both scopes',
    );
    expect(compiledByScopes.length).toBeGreaterThan(0);

    fake.setTokens(TOKENS.filter((token) => token.token !== SECOND));
    await revalidate();
    expect(scopeSync.scopesIn('development')).toHaveLength(1);
    expect(scopeSync.flagSetFor(EVERY_PROJECT)).toBe(flags.current());

    const compiledBefore = compiledByScopes.length;
    fake.setStateFor(PRIMARY, { features: [flag('a', 'default'), flag('b', 'default')] });
    await waitFor(() => names(flags.current()?.snapshot).join() === 'a,b', 'the next update');
    expect(scopeSync.flagSetFor(EVERY_PROJECT)).toBe(flags.current());
    expect(compiledByScopes.length).toBe(compiledBefore);
  });

  it("serves the second scope's flags alone once the primary token is revoked", async () => {
    const fake = await new FakeUnleash().start();
    cleanups.push(() => fake.stop());
    fake.setTokens(TOKENS);
    fake.setStateFor(PRIMARY, { features: [flag('a', 'default')] });
    fake.setStateFor(SECOND, { features: [flag('w', 'web')] });
    const { scopeSync, revalidate } = await startSync(fake, [PRIMARY, SECOND]);
    await waitFor(() => scopeSync.scopesIn('development').length === 2, 'the second scope');

    fake.setTokens(TOKENS.filter((token) => token.token !== PRIMARY));
    await revalidate();
    expect(scopeSync.scopesIn('development')).toHaveLength(1);
    expect(names(scopeSync.flagSetFor(EVERY_PROJECT)?.snapshot)).toEqual(['w']);

    fake.setStateFor(SECOND, { features: [flag('w', 'web'), flag('x', 'web')] });
    await waitFor(
      () => names(scopeSync.flagSetFor(EVERY_PROJECT)?.snapshot).join() === 'w,x',
      "the second scope's next update",
    );
  });
});
