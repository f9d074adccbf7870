import { afterEach, describe, expect, it } from 'vitest';
import { TEST_FLAGS } from '../fixtures/test-flags.js';
import { FakeUnleash, type UpstreamFault } from '../helpers/fake-unleash.js';
import { CLIENT_KEY, enabledNames, startProxyOn } from '../helpers/online-proxy.js';
import type { RunningProxy } from '../helpers/start-proxy.js';

/**
 * The first configured token (what UNLEASH_API_TOKEN was to the original proxy) when Unleash
 * does not confirm it: an Unleash without /edge/validate (404) is a WARN saying what is served,
 * an Unleash that says the token is not a backend token it knows (absent from the answer, or
 * the validation refused with 401/403) is an ERROR saying the same; /proxy serves its flags
 * in every case, as the original did.
 */

const LEGACY_TOKEN = 'legacy-backend-token-without-scope';
const CLAIMED_TOKEN = 'default:development.claimed-backend-token';
const PRETRUSTED = 'default:development.pretrusted-frontend-token';
const NO_VALIDATION = 'Unleash has no token validation';
const NOT_CONFIRMED = 'Unleash does not confirm the first configured token as a backend token';

interface LogLine {
  level: number;
  msg: string;
  scope?: string;
  reason?: string;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(token: string, validation: UpstreamFault | undefined) {
  const fake = await new FakeUnleash(TEST_FLAGS).start();
  cleanups.push(() => fake.stop());
  fake.validationFault = validation;
  const proxy = await startProxyOn(
    fake,
    { unleashApiToken: token, clientKeys: [CLIENT_KEY] },
    { JSON_LOGGER: 'true', PRETRUSTED_TOKENS: PRETRUSTED },
  );
  cleanups.push(() => proxy.stop());
  return proxy;
}

/** The first line whose message starts with `text`, once written (10 s at most). */
async function lineSaying(proxy: RunningProxy, text: string): Promise<LogLine> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    proxy.waitForLog(text),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no log line says "${text}"`)), 10_000);
    }),
  ]).finally(() => clearTimeout(timer));
  const lines = proxy
    .logs()
    .split('\n')
    .filter((raw) => raw.trim() !== '')
    .map((raw) => JSON.parse(raw) as LogLine);
  const found = lines.find((line) => line.msg.startsWith(text));
  if (found === undefined) throw new Error(`no log line starts with "${text}"`);
  return found;
}

async function proxyServesFlags(proxy: RunningProxy): Promise<void> {
  const response = await fetch(`${proxy.origin}/proxy`, { headers: { authorization: CLIENT_KEY } });
  expect(response.status).toBe(200);
  expect((await enabledNames(response)).length).toBeGreaterThan(0);
}

const frontend = (proxy: RunningProxy, token: string) =>
  fetch(`${proxy.origin}/api/frontend`, { headers: { authorization: token } });

describe('an Unleash without /edge/validate (404)', () => {
  it('warns that /proxy serves a legacy token and the token APIs cannot use it; no ERROR', async () => {
    const proxy = await start(LEGACY_TOKEN, { kind: 'status', status: 404 });
    const line = await lineSaying(proxy, NO_VALIDATION);
    expect(line.level).toBe(40);
    expect(line.msg).toContain("/proxy serves the first configured token's flags");
    expect(line.msg).toContain('Unleash could not tell its environment');
    expect(line.scope).toBe('[]');
    await proxyServesFlags(proxy);
    expect(proxy.logs()).not.toContain('"level":50');
    expect(proxy.logs()).not.toContain(LEGACY_TOKEN);
    // Said once, by that line: the failed validation itself is not a warning of its own.
    expect(proxy.logs().match(/"level":40/g)).toHaveLength(1);
  });

  it('serves a token whose string says its scope to pretrusted tokens, and says so', async () => {
    const proxy = await start(CLAIMED_TOKEN, { kind: 'status', status: 404 });
    const line = await lineSaying(proxy, NO_VALIDATION);
    expect(line.level).toBe(40);
    expect(line.msg).toContain('as the token string claims it, to PRETRUSTED_TOKENS only');
    await proxyServesFlags(proxy);
    const pretrusted = await frontend(proxy, PRETRUSTED);
    expect(pretrusted.status).toBe(200);
    expect(((await pretrusted.json()) as { toggles: unknown[] }).toggles.length).toBeGreaterThan(0);
    // A token a caller presents cannot be validated either.
    expect((await frontend(proxy, '*:development.presented-token')).status).toBe(503);
    expect(proxy.logs()).not.toContain('"level":50');
  });
});

describe('an Unleash that does not confirm the token', () => {
  it.each<[string, UpstreamFault | undefined, string]>([
    ["absent from /edge/validate's answer", undefined, "absent from /edge/validate's answer"],
    ['validation refused with 401', { kind: 'status', status: 401 }, '/edge/validate answered 401'],
    ['validation refused with 403', { kind: 'status', status: 403 }, '/edge/validate answered 403'],
  ])(
    '%s: an ERROR naming what is not served, while /proxy serves its flags',
    async (_, fault, reason) => {
      const proxy = await start(CLAIMED_TOKEN, fault);
      const line = await lineSaying(proxy, NOT_CONFIRMED);
      expect(line.level).toBe(50);
      expect(line.reason).toBe(reason);
      expect(line.scope).toBe('default:development');
      expect(line.msg).toContain('/proxy keeps polling with it');
      expect(line.msg).toContain('/api/frontend, /api/client and OFREP do not serve its scope');
      await proxyServesFlags(proxy);
      // Its scope is not served to the token APIs, not even to a pretrusted token.
      expect((await frontend(proxy, PRETRUSTED)).status).toBe(403);
      expect(proxy.logs()).not.toContain('claimed-backend-token');
    },
  );
});
