import { evaluateFlags, flagsClient, getDefinitions } from '@unleash/nextjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeToken, FakeUnleash } from '../helpers/fake-unleash.js';
import { startProxyOn } from '../helpers/online-proxy.js';
import type { RunningProxy } from '../helpers/start-proxy.js';

// @unleash/nextjs on the server: getDefinitions fetches the client API with a backend token,
// evaluateFlags + flagsClient evaluate locally. Its answers must be this proxy's own.
const BACKEND = '*:development.backend-next';
const FRONTEND = '*:development.front-next';
const TOKENS: FakeToken[] = [
  { token: BACKEND, type: 'backend', environment: 'development', projects: ['*'] },
  { token: FRONTEND, type: 'frontend', environment: 'development', projects: ['*'] },
];

const strategy = (name: string, parameters: Record<string, string>, extra = {}) => ({
  name,
  parameters,
  constraints: [],
  ...extra,
});
const flag = (name: string, strategies: unknown[], extra = {}) => ({
  name,
  project: 'default',
  enabled: true,
  strategies,
  variants: [],
  impressionData: false,
  ...extra,
});

/** Targeting the two evaluators must agree on: rollout, constraints, segments, variants. */
const FLAGS = {
  version: 2,
  features: [
    flag('half-rollout', [
      strategy('flexibleRollout', { rollout: '50', stickiness: 'userId', groupId: 'half' }),
    ]),
    flag('pro-plan', [
      strategy(
        'default',
        {},
        { constraints: [{ contextName: 'plan', operator: 'IN', values: ['pro'] }] },
      ),
    ]),
    flag('beta-users', [strategy('default', {}, { segments: [3] })]),
    flag('colours', [strategy('default', {})], {
      variants: [
        { name: 'red', weight: 500, weightType: 'variable', stickiness: 'userId' },
        { name: 'blue', weight: 500, weightType: 'variable', stickiness: 'userId' },
      ],
    }),
    flag('switched-off', [strategy('default', {})], { enabled: false }),
  ],
  segments: [
    {
      id: 3,
      name: 'beta',
      constraints: [{ contextName: 'userId', operator: 'IN', values: ['alice', 'dave'] }],
    },
  ],
};

const CONTEXTS = [
  { userId: 'alice' },
  { userId: 'bob', properties: { plan: 'pro' } },
  { userId: 'carol', properties: { plan: 'free' } },
  { userId: 'dave', sessionId: '42', properties: { plan: 'pro' } },
  { userId: 'erin' },
  { userId: 'frank' },
];

interface Toggle {
  name: string;
  enabled: boolean;
  variant: { name: string; enabled: boolean };
}

describe('@unleash/nextjs server side against /api/client/features', () => {
  let fake: FakeUnleash;
  let proxy: RunningProxy;

  const frontendQuery = (context: (typeof CONTEXTS)[number]) => {
    const query = new URLSearchParams();
    query.set('userId', context.userId);
    if ('sessionId' in context) query.set('sessionId', context.sessionId);
    for (const [key, value] of Object.entries(context.properties ?? {})) {
      query.set(`properties[${key}]`, value);
    }
    return query;
  };
  const proxyAnswers = async (context: (typeof CONTEXTS)[number]) => {
    const response = await fetch(`${proxy.origin}/api/frontend?${frontendQuery(context)}`, {
      headers: { authorization: FRONTEND },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { toggles: Toggle[] }).toggles;
  };

  beforeAll(async () => {
    fake = await new FakeUnleash().start();
    fake.setTokens(TOKENS);
    fake.setStateFor(BACKEND, FLAGS);
    proxy = await startProxyOn(fake, { unleashApiTokens: [BACKEND] });
  });

  afterAll(async () => {
    await proxy?.stop();
    await fake?.stop();
  });

  it('getDefinitions gets the flag definitions, segments included, with a backend token', async () => {
    const definitions = await getDefinitions({
      url: `${proxy.origin}/api/client/features`,
      token: BACKEND,
      appName: 'nextjs-test',
    });
    expect(definitions.features.map((feature) => feature.name)).toEqual(
      FLAGS.features.map((feature) => feature.name),
    );
    expect(definitions.segments?.map((segment) => segment.id)).toEqual([3]);
  });

  it('evaluateFlags and flagsClient answer as /api/frontend does, context by context', async () => {
    const definitions = await getDefinitions({
      url: `${proxy.origin}/api/client/features`,
      token: BACKEND,
      appName: 'nextjs-test',
    });
    const seen = new Set<string>();
    for (const context of CONTEXTS) {
      const fromProxy = await proxyAnswers(context);
      const { toggles } = evaluateFlags(definitions, context);
      const shape = (list: Toggle[]) =>
        list.map((t) => ({ name: t.name, enabled: t.enabled, variant: t.variant.name }));
      expect(shape(toggles), JSON.stringify(context)).toEqual(shape(fromProxy));

      const client = flagsClient(toggles, {
        url: `${proxy.origin}/api/frontend`,
        clientKey: FRONTEND,
        appName: 'nextjs-test',
      });
      for (const { name } of FLAGS.features) {
        const onProxy = fromProxy.find((toggle) => toggle.name === name);
        expect(client.isEnabled(name), `${name} ${JSON.stringify(context)}`).toBe(
          onProxy !== undefined,
        );
        expect(client.getVariant(name).name).toBe(onProxy?.variant.name ?? 'disabled');
        if (onProxy) seen.add(`${name}:${onProxy.variant.name}`);
      }
    }
    // The contexts exercise both sides of every targeting rule, so agreement is not trivial.
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        'beta-users:disabled',
        'pro-plan:disabled',
        'colours:red',
        'colours:blue',
        'half-rollout:disabled',
      ]),
    );
    const enabledCounts = await Promise.all(
      CONTEXTS.map(async (context) => (await proxyAnswers(context)).length),
    );
    expect(new Set(enabledCounts).size).toBeGreaterThan(1);
  });

  it('a frontend token on /api/client/features gets 403, which getDefinitions hands back', async () => {
    const response = await fetch(`${proxy.origin}/api/client/features`, {
      headers: { authorization: FRONTEND },
    });
    expect(response.status).toBe(403);
    const answer = (await getDefinitions({
      url: `${proxy.origin}/api/client/features`,
      token: FRONTEND,
      appName: 'nextjs-test',
    })) as unknown as { statusCode: number; features?: unknown };
    expect(answer.statusCode).toBe(403);
    expect(answer.features).toBeUndefined();
  });
});
