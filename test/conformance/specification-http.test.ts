import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeUnleash } from '../helpers/fake-unleash.js';
import { startProxyOn } from '../helpers/online-proxy.js';
import type { RunningProxy } from '../helpers/start-proxy.js';
import {
  contextQuery,
  loadSpecification,
  type SpecContext,
  type SpecFile,
  type SpecVariant,
} from './client-specification.js';

// The Unleash client specification, asked through the proxy's HTTP API: every case of every
// file through POST /proxy (with a toggles list) and GET /proxy (context as query string).

type Transport = 'POST' | 'GET';

interface KnownException {
  fileName: string;
  description: string;
  reason: string;
}

/** Cases that cannot hold over HTTP. Each still runs, and must keep failing (`it.fails`). */
const KNOWN_EXCEPTIONS: readonly KnownException[] = [
  {
    fileName: '06-remote-address-strategy.json',
    description:
      'Feature.remoteAddress.A should not be enabled for missing remoteAddress on context',
    reason:
      'over HTTP the context always has a remoteAddress: the proxy fills in the address of the ' +
      'connection (127.0.0.1 here) when the caller sends none, as the original proxy does',
  },
];

function knownException(fileName: string, description: string): KnownException | undefined {
  return KNOWN_EXCEPTIONS.find(
    (exception) => exception.fileName === fileName && exception.description === description,
  );
}

const CLIENT_KEY = 'specification-client-key';

interface AnsweredToggle {
  name: string;
  enabled: boolean;
  variant: SpecVariant;
}

function isToggleList(body: unknown): body is { toggles: AnsweredToggle[] } {
  return (
    typeof body === 'object' &&
    body !== null &&
    'toggles' in body &&
    Array.isArray((body as { toggles: unknown }).toggles)
  );
}

/** GET /proxy leaves disabled flags out; this is how an SDK then sees them. */
const ABSENT_TOGGLE_VARIANT: SpecVariant = {
  name: 'disabled',
  enabled: false,
  feature_enabled: false,
};

async function askProxy(
  proxy: RunningProxy,
  transport: Transport,
  context: SpecContext,
  toggleName: string,
): Promise<{ enabled: boolean; variant: SpecVariant }> {
  const headers = { authorization: CLIENT_KEY, 'content-type': 'application/json' };
  const response =
    transport === 'POST'
      ? await fetch(`${proxy.origin}/proxy`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ context, toggles: [toggleName] }),
        })
      : await fetch(`${proxy.origin}/proxy?${contextQuery(context)}`, { headers });
  const body: unknown = await response.json();
  if (response.status !== 200 || !isToggleList(body)) {
    throw new Error(`${transport} /proxy answered ${response.status}: ${JSON.stringify(body)}`);
  }
  const toggle = body.toggles.find((candidate) => candidate.name === toggleName);
  if (toggle === undefined) {
    if (transport === 'POST') throw new Error(`POST /proxy left out ${toggleName}`);
    return { enabled: false, variant: ABSENT_TOGGLE_VARIANT };
  }
  return { enabled: toggle.enabled, variant: toggle.variant };
}

/** The fields the specification checks, so extra ones (featureEnabled) do not matter. */
function comparableVariant(variant: SpecVariant): SpecVariant {
  const result: SpecVariant = { name: variant.name, enabled: variant.enabled };
  if (variant.feature_enabled !== undefined) result.feature_enabled = variant.feature_enabled;
  if (variant.payload !== undefined) result.payload = variant.payload;
  return result;
}

function caseTest(fileName: string, description: string) {
  return knownException(fileName, description) === undefined ? it : it.fails;
}

function describeSpecFile(spec: SpecFile): void {
  describe(spec.fileName, () => {
    let upstream: FakeUnleash;
    let proxy: RunningProxy;

    beforeAll(async () => {
      upstream = await new FakeUnleash(spec.state).start();
      proxy = await startProxyOn(upstream, {
        unleashApiToken: 'specification-upstream-token',
        clientKeys: [CLIENT_KEY],
        refreshInterval: 500,
      });
    });

    afterAll(async () => {
      await proxy?.stop();
      await upstream?.stop();
    });

    for (const transport of ['POST', 'GET'] as const) {
      describe(`${transport} /proxy`, () => {
        for (const { description, context, toggleName, expectedResult } of spec.tests) {
          caseTest(spec.fileName, description)(description, async () => {
            const answer = await askProxy(proxy, transport, context, toggleName);
            expect(answer.enabled).toBe(expectedResult);
          });
        }
        for (const { description, context, toggleName, expectedResult } of spec.variantTests) {
          caseTest(spec.fileName, description)(`${description} (variant)`, async () => {
            const answer = await askProxy(proxy, transport, context, toggleName);
            expect(comparableVariant(answer.variant)).toEqual(comparableVariant(expectedResult));
            expect(answer.enabled).toBe(expectedResult.feature_enabled ?? answer.enabled);
          });
        }
      });
    }
  });
}

const specification = loadSpecification();

it('covers the whole pinned specification', () => {
  const cases = specification.reduce(
    (sum, spec) => sum + spec.tests.length + spec.variantTests.length,
    0,
  );
  expect({ files: specification.length, cases }).toEqual({ files: 22, cases: 279 });
});

for (const spec of specification) describeSpecFile(spec);
