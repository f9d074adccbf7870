import { describe, expect, it } from 'vitest';
import { type Env, loadConfig, type ProxyOptions } from '../../../src/config/load-config.js';
import { OPTIONS } from '../../../src/config/options.js';
import { ConfigError } from '../../../src/errors.js';

/** The problems loadConfig reports, or a failure when it accepts the configuration. */
function problemsOf(env: Env, options: ProxyOptions = {}): readonly string[] {
  try {
    loadConfig(env, options);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

function messageOf(env: Env, options: ProxyOptions = {}): string {
  try {
    loadConfig(env, options);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

/** Values the original proxy silently turned into NaN, false or nonsense. */
const REJECTED: readonly { env: string; raw: string }[] = [
  { env: 'OTEL_SDK_DISABLED', raw: 'on' },
  { env: 'OTEL_EXPORTER_OTLP_ENDPOINT', raw: 'collector:4318' },
  { env: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', raw: 'grpc://collector:4317' },
  { env: 'OTEL_EXPORTER_OTLP_PROTOCOL', raw: 'grpc' },
  { env: 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', raw: 'http' },
  { env: 'PORT', raw: 'eighty' },
  { env: 'TOKEN_REVALIDATION_INTERVAL_SECONDS', raw: '1h' },
  { env: 'PROXY_INVALID_TOKEN_CACHE_SECONDS', raw: '-1' },
  { env: 'UPSTREAM_URL', raw: 'unleash.example.com' },
  { env: 'FEATURES_REFRESH_INTERVAL_SECONDS', raw: '15s' },
  { env: 'METRICS_INTERVAL_SECONDS', raw: 'often' },
  { env: 'UPSTREAM_REQUEST_TIMEOUT', raw: '0' },
  { env: 'DISABLE_ALL_ENDPOINT', raw: 'maybe' },
  { env: 'SKIP_SSL_VERIFICATION', raw: 'sure' },
  { env: 'LOG_FORMAT', raw: 'xml' },
  { env: 'PORT', raw: '3000.5' },
  { env: 'PORT', raw: '70000' },
  { env: 'PORT', raw: '-1' },
  { env: 'PROXY_PORT', raw: '30OO' },
  { env: 'UNLEASH_FETCH_INTERVAL', raw: '5s' },
  { env: 'UNLEASH_FETCH_INTERVAL', raw: '-100' },
  { env: 'UNLEASH_METRICS_INTERVAL', raw: '1e4' },
  { env: 'UNLEASH_METRICS_JITTER', raw: 'some' },
  { env: 'CORS_MAX_AGE', raw: '2 days' },
  { env: 'CORS_OPTIONS_SUCCESS_STATUS', raw: '404' },
  { env: 'PROXY_BODY_LIMIT_BYTES', raw: '0' },
  { env: 'PROXY_BODY_LIMIT_BYTES', raw: '100kb' },
  { env: 'PROXY_SHUTDOWN_TIMEOUT_MS', raw: 'forever' },
  { env: 'PROXY_READINESS_MAX_AGE_MS', raw: '-5' },
  { env: 'TRUST_PROXY', raw: '10.0.0.0/99' },
  { env: 'PROXY_MAX_HEADER_BYTES', raw: '100' },
  { env: 'PROXY_QUERY_LIMIT_BYTES', raw: '0' },
  { env: 'PROXY_QUERY_PARAMETER_LIMIT', raw: 'many' },
  { env: 'PROXY_REQUEST_TIMEOUT_MS', raw: '10' },
  { env: 'PROXY_HEADERS_TIMEOUT_MS', raw: '1.5' },
  { env: 'PROXY_KEEP_ALIVE_TIMEOUT_MS', raw: '-1' },
  { env: 'PROXY_RATE_LIMIT_PER_KEY', raw: 'lots' },
  { env: 'PROXY_RATE_LIMIT_PER_IP', raw: '-3' },
  { env: 'UNLEASH_TIMEOUT_MS', raw: '500' },
  { env: 'OFREP_ALWAYS_SEND_VALUE', raw: 'maybe' },
  { env: 'PROXY_STREAMS_ENABLED', raw: 'off' },
  { env: 'PROXY_STREAM_MAX_CONNECTIONS', raw: '-1' },
  { env: 'PROXY_STREAM_MAX_AGE_MS', raw: '10' },
  { env: 'PROXY_STREAM_HEARTBEAT_MS', raw: '60000' },
  { env: 'PROXY_STREAM_HISTORY_SIZE', raw: '0' },
  { env: 'JSON_LOGGER', raw: 'on' },
  { env: 'ENABLE_OAS', raw: 'enabled' },
  { env: 'ENABLE_ALL_ENDPOINT', raw: 'ture' },
  { env: 'CORS_CREDENTIALS', raw: 'y' },
  { env: 'CORS_PREFLIGHT_CONTINUE', raw: '2' },
  { env: 'HTTP_OPTIONS_REJECT_UNAUTHORIZED', raw: 'nope' },
  { env: 'UNLEASH_URL', raw: 'unleash.example.com/api' },
  { env: 'UNLEASH_URL', raw: 'ftp://unleash.example.com/api' },
  { env: 'EXP_BOOTSTRAP_URL', raw: 'not a url' },
  { env: 'LOG_LEVEL', raw: 'verbose' },
  { env: 'PROXY_MODE', raw: 'fast' },
  { env: 'UNLEASH_TAGS', raw: 'team:web,simple' },
  { env: 'UNLEASH_TAGS', raw: ':value' },
  { env: 'CORS_ORIGIN', raw: ' , ' },
  { env: 'PROXY_BASE_PATH', raw: '/my flags' },
  { env: 'CLIENT_KEY_HEADER_NAME', raw: 'X Client Key' },
  { env: 'PROXY_DEVICE_CONTEXT', raw: 'on' },
  { env: 'PROXY_DERIVED_PROPERTY_NAMES', raw: 'country' },
  { env: 'PROXY_DERIVED_PROPERTY_NAMES', raw: 'planet=world' },
  { env: 'PROXY_DERIVED_PROPERTY_NAMES', raw: 'country=place,city=place' },
  { env: 'PROXY_DERIVED_PROPERTY_PRECEDENCE', raw: 'client' },
];

describe('rejected environment values', () => {
  it.each(REJECTED)('$env=$raw is an error naming the variable and the value', ({ env, raw }) => {
    const problems = problemsOf({ [env]: raw });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(env);
    expect(problems[0]).toContain(JSON.stringify(raw));
  });

  // Whatever options are added later: a number, boolean, URL or enum never takes just any text.
  const STRICT_VARIABLES = Object.values(OPTIONS)
    .filter(({ parser }) => /^(boolean|URL|integer)|\|/.test(parser.kind))
    .flatMap((spec) => spec.env);

  it('has an explicit rejected case for every strict variable', () => {
    expect(REJECTED.map((entry) => entry.env)).toEqual(expect.arrayContaining(STRICT_VARIABLES));
  });

  it.each(STRICT_VARIABLES)('%s rejects free text', (env) => {
    expect(problemsOf({ [env]: 'some words' })[0]).toMatch(new RegExp(`^${env}="some words": `));
  });

  it('explains what was expected', () => {
    expect(problemsOf({ PORT: 'eighty' })[0]).toBe('PORT="eighty": expected a whole number');
    expect(problemsOf({ PORT: '70000' })[0]).toBe(
      'PORT="70000": expected a number from 0 to 65535',
    );
    expect(problemsOf({ JSON_LOGGER: 'on' })[0]).toBe(
      'JSON_LOGGER="on": expected true/false, 1/0 or yes/no',
    );
    expect(problemsOf({ LOG_LEVEL: 'verbose' })[0]).toContain(
      'expected one of fatal, error, warn, info, debug, trace, silent',
    );
  });

  it('names PROXY_PORT when that is the variable given', () => {
    expect(problemsOf({ PROXY_PORT: 'x' })[0]).toMatch(/^PROXY_PORT="x"/);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({
      PORT: 'abc',
      JSON_LOGGER: 'maybe',
      UNLEASH_URL: 'nowhere',
      LOG_LEVEL: 'loud',
      CORS_MAX_AGE: '-5',
    });
    expect(problems).toHaveLength(5);
    const message = messageOf({ PORT: 'abc', JSON_LOGGER: 'maybe' });
    expect(message).toContain('PORT="abc"');
    expect(message).toContain('JSON_LOGGER="maybe"');
  });

  it('requires a token and client keys with UNLEASH_URL, both reported together', () => {
    const problems = problemsOf({ UNLEASH_URL: 'http://unleash.test/api' });
    expect(problems).toEqual([
      'UNLEASH_API_TOKEN (or UNLEASH_API_TOKENS / TOKENS) is required when UNLEASH_URL is set',
      'UNLEASH_PROXY_CLIENT_KEYS is required when UNLEASH_URL is set',
    ]);
  });

  it('requires client keys for a flag file of your own: the demo key is for the bundled flags', () => {
    expect(
      problemsOf({ PROXY_MODE: 'offline', UNLEASH_BOOTSTRAP_FILE: './my-flags.json' }),
    ).toEqual([
      'UNLEASH_PROXY_CLIENT_KEYS (or PRETRUSTED_TOKENS) is required with PROXY_MODE=offline',
    ]);
    const config = loadConfig({
      PROXY_MODE: 'offline',
      UNLEASH_BOOTSTRAP_FILE: './my-flags.json',
      UNLEASH_PROXY_CLIENT_KEYS: 'k',
    });
    expect(config.allClientKeys).toEqual(['k']);
  });

  it('adds the missing-key problems to the malformed values', () => {
    const problems = problemsOf({ UNLEASH_URL: 'http://unleash.test/api', PORT: 'x' });
    expect(problems).toHaveLength(3);
  });
});

describe('booleans', () => {
  const TRUE_SPELLINGS = ['true', 'TRUE', 'True', '1', 'yes', 'Yes', 'YES', ' true '];
  const FALSE_SPELLINGS = ['false', 'FALSE', 'False', '0', 'no', 'No', 'NO'];

  it.each(TRUE_SPELLINGS)('%j is true', (raw) => {
    expect(loadConfig({ ENABLE_ALL_ENDPOINT: raw }).enableAllEndpoint).toBe(true);
  });

  it.each(FALSE_SPELLINGS)('%j is false', (raw) => {
    expect(loadConfig({ HTTP_OPTIONS_REJECT_UNAUTHORIZED: raw }).httpRejectUnauthorized).toBe(
      false,
    );
  });

  it('reads TRUE as true, where the original read it as false', () => {
    expect(loadConfig({ CORS_CREDENTIALS: 'TRUE' }).corsCredentials).toBe(true);
  });
});

describe('secrets in errors', () => {
  const SECRET = 'sUp3r-s3cret-value';

  it('never prints a secret option given in code with the wrong type', () => {
    const message = messageOf(
      {},
      {
        clientKeys: [SECRET, 42],
        proxySecrets: { key: SECRET },
        serverSideSdkTokens: [SECRET, null],
        bootstrapAuthorization: [SECRET],
        unleashApiToken: { token: SECRET },
      },
    );
    expect(message).not.toContain(SECRET);
    expect(message).toContain('option clientKeys=(value hidden)');
    expect(message).toContain('option unleashApiToken=(value hidden)');
    expect(message.split('\n').filter((line) => line.includes('(value hidden)'))).toHaveLength(5);
  });

  it('never prints valid secrets next to the problems of other variables', () => {
    const message = messageOf({
      UNLEASH_URL: 'http://unleash.test/api',
      UNLEASH_API_TOKEN: SECRET,
      UNLEASH_PROXY_CLIENT_KEYS: `${SECRET}-key`,
      UNLEASH_PROXY_SECRETS: `${SECRET}-legacy`,
      EXP_BOOTSTRAP_AUTHORIZATION: `${SECRET}-bootstrap`,
      EXP_SERVER_SIDE_SDK_CONFIG_TOKENS: `${SECRET}-sdk`,
      PORT: 'not-a-port',
    });
    expect(message).toContain('PORT="not-a-port"');
    expect(message).not.toContain(SECRET);
  });

  it('shows a non-secret value given in code', () => {
    expect(messageOf({}, { proxyPort: 'abc' })).toContain('option proxyPort="abc"');
  });
});
