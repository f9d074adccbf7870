import { describe, expect, it } from 'vitest';
import { type Env, loadConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/errors.js';

/** An Unleash Edge deployment's environment, as its documentation writes it. */
const EDGE: Env = {
  UPSTREAM_URL: 'https://unleash.example.com/',
  TOKENS: '*:development.dev-secret,*:production.prod-secret',
};

function problemsOf(env: Env): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("Unleash Edge's variable names", () => {
  it('runs online on UPSTREAM_URL and TOKENS alone, without client keys', () => {
    const config = loadConfig(EDGE);
    expect(config.mode).toBe('online');
    expect(config.unleashUrl).toBe('https://unleash.example.com/api');
    expect(config.scopeTokens).toEqual(['*:development.dev-secret', '*:production.prod-secret']);
    expect(config.unleashApiToken).toBe('*:development.dev-secret');
  });

  it('converts seconds to the proxy units and inverts the negated switches', () => {
    const config = loadConfig({
      ...EDGE,
      FEATURES_REFRESH_INTERVAL_SECONDS: '15',
      METRICS_INTERVAL_SECONDS: '60',
      UPSTREAM_REQUEST_TIMEOUT: '5',
      DISABLE_ALL_ENDPOINT: 'false',
      SKIP_SSL_VERIFICATION: 'true',
      LOG_FORMAT: 'json',
    });
    expect(config.refreshInterval).toBe(15_000);
    expect(config.metricsInterval).toBe(60_000);
    expect(config.unleashTimeoutMs).toBe(5_000);
    expect(config.enableAllEndpoint).toBe(true);
    expect(config.httpRejectUnauthorized).toBe(false);
    expect(config.jsonLogger).toBe(true);
  });

  it("lets the proxy's own names win over Edge's", () => {
    const config = loadConfig({
      ...EDGE,
      UNLEASH_URL: 'https://other.example.com/api',
      UNLEASH_FETCH_INTERVAL: '1000',
      FEATURES_REFRESH_INTERVAL_SECONDS: '15',
      ENABLE_ALL_ENDPOINT: 'false',
      DISABLE_ALL_ENDPOINT: 'false',
    });
    expect(config.unleashUrl).toBe('https://other.example.com/api');
    expect(config.refreshInterval).toBe(1000);
    expect(config.enableAllEndpoint).toBe(false);
  });

  it('puts UNLEASH_API_TOKEN first and drops repeated tokens', () => {
    const config = loadConfig({
      UNLEASH_URL: 'http://unleash.test/api',
      UNLEASH_API_TOKEN: 'default:development.a',
      UNLEASH_API_TOKENS: 'default:production.b,default:development.a',
    });
    expect(config.scopeTokens).toEqual(['default:development.a', 'default:production.b']);
  });

  it('keeps requiring client keys in the original one-token configuration', () => {
    expect(
      problemsOf({ UNLEASH_URL: 'http://unleash.test/api', UNLEASH_API_TOKEN: 'secret' }),
    ).toEqual(['UNLEASH_PROXY_CLIENT_KEYS is required when UNLEASH_URL is set']);
  });

  it('refuses configured tokens that do not name their environment, without printing them', () => {
    const problems = problemsOf({ ...EDGE, TOKENS: 'plain-secret,*:*.admin-secret' });
    expect(problems).toEqual([
      'UNLEASH_API_TOKENS / TOKENS: token 1 is not of the form project:environment.secret',
      'UNLEASH_API_TOKENS / TOKENS: token 2 is an admin token (*:*); use a backend token per environment',
    ]);
    expect(problems.join(' ')).not.toContain('secret,');
    expect(problems.join(' ')).not.toContain('admin-secret');
  });

  it('reads pretrusted tokens in both of Edge forms and refuses the others', () => {
    const config = loadConfig({
      ...EDGE,
      PRETRUSTED_TOKENS: 'legacy-secret@production,web:development.abc',
    });
    expect(config.trustedTokens).toEqual([
      { secret: 'legacy-secret', environment: 'production', projects: ['*'] },
      { secret: 'web:development.abc', environment: 'development', projects: ['web'] },
    ]);
    expect(problemsOf({ ...EDGE, PRETRUSTED_TOKENS: 'no-environment,[]:development.x' })).toEqual([
      'PRETRUSTED_TOKENS: token 1 is neither project:environment.secret (one project or *) nor secret@environment',
      'PRETRUSTED_TOKENS: token 2 is neither project:environment.secret (one project or *) nor secret@environment',
    ]);
  });
});
