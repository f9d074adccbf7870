import { describe, expect, it } from 'vitest';
import { type Env, loadConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/errors.js';

function problemsOf(env: Env): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const UNLEASH_URL_MISSING = /^UNLEASH_URL is not set, but .*set UNLEASH_URL.*PROXY_MODE=offline/;

describe('the demo is something a user asks for (fail safe, not open)', () => {
  it('serves the demo on a machine where nothing is configured (the README first command)', () => {
    expect(loadConfig({}).mode).toBe('demo');
    expect(loadConfig({ PORT: '4000', LOG_LEVEL: 'info' }).mode).toBe('demo');
  });

  it.each([
    ['UNLEASH_API_TOKEN', { UNLEASH_API_TOKEN: 'default:production.abc' }],
    ['UNLEASH_PROXY_CLIENT_KEYS', { UNLEASH_PROXY_CLIENT_KEYS: 'prod-key' }],
    ['UNLEASH_PROXY_SECRETS', { UNLEASH_PROXY_SECRETS: 'prod-secret' }],
    ['EXP_BOOTSTRAP_URL', { EXP_BOOTSTRAP_URL: 'https://cdn.example/flags.json' }],
    ['EXP_BOOTSTRAP_AUTHORIZATION', { EXP_BOOTSTRAP_AUTHORIZATION: 'secret' }],
    ['UNLEASH_BOOTSTRAP_FILE', { UNLEASH_BOOTSTRAP_FILE: './flags.json' }],
  ])('refuses to start with %s but no UNLEASH_URL, naming UNLEASH_URL', (name, env) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(UNLEASH_URL_MISSING);
    expect(problems[0]).toContain(name);
  });

  it('refuses the typo of the issue: token and production keys under a misspelt URL variable', () => {
    const problems = problemsOf({
      UNLEASH_URLL: 'https://unleash.example.com/api',
      UNLEASH_API_TOKEN: 'default:production.abc',
      UNLEASH_PROXY_CLIENT_KEYS: 'prod-key',
    });
    expect(problems).toEqual([
      'UNLEASH_URL is not set, but UNLEASH_API_TOKEN, UNLEASH_PROXY_CLIENT_KEYS are: set UNLEASH_URL to sync with Unleash, or PROXY_MODE=offline to serve UNLEASH_BOOTSTRAP_FILE without Unleash (PROXY_MODE=demo: the bundled example flags)',
    ]);
    expect(problems.join('\n')).not.toContain('prod-key');
  });

  it('refuses the same settings given in code', () => {
    expect(() => loadConfig({}, { clientKeys: ['prod-key'] })).toThrow(/UNLEASH_URL is not set/);
  });

  it('serves the demo when asked, with the keys given', () => {
    const config = loadConfig({ PROXY_MODE: 'demo', UNLEASH_PROXY_CLIENT_KEYS: 'k' });
    expect(config.mode).toBe('demo');
    expect(config.allClientKeys).toEqual(['k']);
  });

  it('serves a flag file of your own when asked, with keys', () => {
    const env = { PROXY_MODE: 'offline', UNLEASH_BOOTSTRAP_FILE: './f.json' };
    expect(loadConfig({ ...env, UNLEASH_PROXY_CLIENT_KEYS: 'k' }).mode).toBe('offline');
    expect(problemsOf({ PROXY_MODE: 'offline', UNLEASH_PROXY_CLIENT_KEYS: 'k' })).toEqual([
      'UNLEASH_BOOTSTRAP_FILE is required with PROXY_MODE=offline',
    ]);
  });

  it('accepts Edge-style pretrusted tokens instead of keys for a file of your own', () => {
    const config = loadConfig({
      PROXY_MODE: 'offline',
      UNLEASH_BOOTSTRAP_FILE: './f.json',
      PRETRUSTED_TOKENS: 'default:development.abc123',
    });
    expect(config.mode).toBe('offline');
  });

  it('refuses PROXY_MODE=online (the Docker image) without UNLEASH_URL', () => {
    expect(problemsOf({ PROXY_MODE: 'online' })).toContain(
      'UNLEASH_URL is required with PROXY_MODE=online',
    );
  });

  it('refuses contradictions: a URL with offline or demo, a file with demo', () => {
    expect(problemsOf({ PROXY_MODE: 'demo', UNLEASH_URL: 'http://u.test/api' })).toEqual([
      'UNLEASH_URL is set, but PROXY_MODE=demo does not use Unleash',
    ]);
    expect(problemsOf({ PROXY_MODE: 'demo', UNLEASH_BOOTSTRAP_FILE: './f.json' })).toHaveLength(1);
    expect(problemsOf({ PROXY_MODE: 'fast' })[0]).toContain('PROXY_MODE="fast"');
  });
});
