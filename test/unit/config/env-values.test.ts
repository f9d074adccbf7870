import { describe, expect, it } from 'vitest';
import { type Env, loadConfig } from '../../../src/config/load-config.js';
import { OPTIONS, type OptionName } from '../../../src/config/options.js';

/** The least an online configuration needs, so that single variables can be tried on top. */
const ONLINE: Env = {
  UNLEASH_URL: 'http://unleash.test/api',
  UNLEASH_API_TOKEN: 'server-token',
  UNLEASH_PROXY_CLIENT_KEYS: 'key-1',
};

/** What each option is when its variable is not set (the original proxy's defaults). */
const DEFAULTS: Record<OptionName, unknown> = {
  unleashUrl: undefined,
  unleashApiToken: undefined,
  clientKeys: [],
  proxySecrets: [],
  proxyPort: 3000,
  proxyBasePath: '',
  unleashAppName: 'unleash-proxy',
  unleashInstanceId: expect.stringMatching(/^unleash-proxy-.+-[0-9a-f]{8}$/),
  refreshInterval: 5000,
  metricsInterval: 30000,
  metricsJitter: 0,
  environment: undefined,
  projectName: undefined,
  namePrefix: undefined,
  tags: [],
  logLevel: 'warn',
  jsonLogger: false,
  clientKeysHeaderName: 'authorization',
  enableOAS: false,
  enableAllEndpoint: false,
  corsOrigin: '*',
  corsMethods: ['GET', 'POST'],
  corsAllowedHeaders: undefined,
  corsExposedHeaders: ['ETag'],
  corsCredentials: false,
  corsMaxAge: 172800,
  corsPreflightContinue: false,
  corsOptionsSuccessStatus: 204,
  httpRejectUnauthorized: true,
  bootstrapUrl: undefined,
  bootstrapAuthorization: undefined,
  serverSideSdkTokens: [],
  customStrategiesFiles: [],
  customEnrichersFiles: [],
  trustProxy: { kind: 'none' },
  proxyMode: undefined,
  bootstrapFile: undefined,
  bootstrapFiles: [],
  backupPath: undefined,
  bodyLimitBytes: 102_400,
  readinessMaxAgeMs: undefined,
  shutdownTimeoutMs: 10_000,
  maxHeaderBytes: 16_384,
  queryLimitBytes: 8_192,
  queryParameterLimit: 1_000,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 20_000,
  keepAliveTimeoutMs: 5_000,
  rateLimitPerKey: 0,
  rateLimitPerIp: 0,
  unleashTimeoutMs: 10_000,
  redisUrl: undefined,
  ofrepAlwaysSendValue: false,
  streamsEnabled: true,
  streamMaxConnections: 10_000,
  streamMaxAgeMs: 1_800_000,
  streamHeartbeatMs: 15_000,
  streamHistorySize: 100,
  unleashApiTokens: [],
  pretrustedTokens: [],
  tokenRevalidationIntervalSeconds: 3600,
  invalidTokenCacheSeconds: 60,
  edgeUpstreamUrl: undefined,
  edgeFeaturesRefreshIntervalSeconds: undefined,
  edgeMetricsIntervalSeconds: undefined,
  edgeUpstreamRequestTimeoutSeconds: undefined,
  edgeDisableAllEndpoint: undefined,
  edgeSkipSslVerification: undefined,
  edgeLogFormat: undefined,
  geoipDatabases: [],
  deviceContext: false,
  derivedPropertyPrefix: '',
  derivedPropertyNames: undefined,
  derivedPropertyPrecedence: 'derived',
  otelSdkDisabled: false,
  otelTracesEndpoint: undefined,
  otelEndpoint: undefined,
  otelProtocol: 'http/protobuf',
  otelHeaders: undefined,
  otelServiceName: 'unleash-koa-proxy',
};

/** One set value per variable, as a user would write it, and what the option becomes. */
/** `base`: the variables the value needs besides it (default: ONLINE). */
const SET_VALUES: readonly {
  env: string;
  raw: string;
  option: OptionName;
  expected: unknown;
  base?: Record<string, string>;
}[] = [
  { env: 'OTEL_SDK_DISABLED', raw: 'true', option: 'otelSdkDisabled', expected: true },
  {
    env: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    raw: 'http://collector:4318/v1/traces',
    option: 'otelTracesEndpoint',
    expected: 'http://collector:4318/v1/traces',
  },
  {
    env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    raw: 'http://collector:4318',
    option: 'otelEndpoint',
    expected: 'http://collector:4318',
  },
  {
    env: 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
    raw: 'http/json',
    option: 'otelProtocol',
    expected: 'http/json',
  },
  {
    env: 'OTEL_EXPORTER_OTLP_PROTOCOL',
    raw: 'HTTP/JSON',
    option: 'otelProtocol',
    expected: 'http/json',
  },
  {
    env: 'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
    raw: 'Authorization=Bearer%20abc, x-tenant = t1',
    option: 'otelHeaders',
    expected: { authorization: 'Bearer abc', 'x-tenant': 't1' },
  },
  {
    env: 'OTEL_EXPORTER_OTLP_HEADERS',
    raw: 'api-key=k',
    option: 'otelHeaders',
    expected: { 'api-key': 'k' },
  },
  { env: 'OTEL_SERVICE_NAME', raw: 'flags-eu', option: 'otelServiceName', expected: 'flags-eu' },
  {
    env: 'UNLEASH_URL',
    raw: 'https://unleash.example.com/api',
    option: 'unleashUrl',
    expected: 'https://unleash.example.com/api',
  },
  { env: 'UNLEASH_API_TOKEN', raw: '*:*.abc', option: 'unleashApiToken', expected: '*:*.abc' },
  {
    env: 'UNLEASH_PROXY_CLIENT_KEYS',
    raw: 'a, b ,,c',
    option: 'clientKeys',
    expected: ['a', 'b', 'c'],
  },
  {
    env: 'UNLEASH_PROXY_SECRETS',
    raw: 'old-1,old-2',
    option: 'proxySecrets',
    expected: ['old-1', 'old-2'],
  },
  { env: 'PORT', raw: '8080', option: 'proxyPort', expected: 8080 },
  { env: 'PROXY_PORT', raw: '8081', option: 'proxyPort', expected: 8081 },
  { env: 'PROXY_BASE_PATH', raw: 'flags/', option: 'proxyBasePath', expected: '/flags' },
  { env: 'UNLEASH_APP_NAME', raw: 'shop-proxy', option: 'unleashAppName', expected: 'shop-proxy' },
  { env: 'UNLEASH_INSTANCE_ID', raw: 'pod-7', option: 'unleashInstanceId', expected: 'pod-7' },
  { env: 'UNLEASH_FETCH_INTERVAL', raw: '1000', option: 'refreshInterval', expected: 1000 },
  { env: 'UNLEASH_METRICS_INTERVAL', raw: '60000', option: 'metricsInterval', expected: 60000 },
  { env: 'UNLEASH_METRICS_JITTER', raw: '500', option: 'metricsJitter', expected: 500 },
  { env: 'UNLEASH_ENVIRONMENT', raw: 'production', option: 'environment', expected: 'production' },
  { env: 'UNLEASH_PROJECT_NAME', raw: 'webshop', option: 'projectName', expected: 'webshop' },
  { env: 'UNLEASH_NAME_PREFIX', raw: 'shop.', option: 'namePrefix', expected: 'shop.' },
  {
    env: 'UNLEASH_TAGS',
    raw: 'team:web,tier:a:b',
    option: 'tags',
    expected: [
      { name: 'team', value: 'web' },
      { name: 'tier', value: 'a:b' },
    ],
  },
  { env: 'LOG_LEVEL', raw: 'DEBUG', option: 'logLevel', expected: 'debug' },
  { env: 'JSON_LOGGER', raw: 'true', option: 'jsonLogger', expected: true },
  {
    env: 'CLIENT_KEY_HEADER_NAME',
    raw: 'X-Client-Key',
    option: 'clientKeysHeaderName',
    expected: 'x-client-key',
  },
  { env: 'ENABLE_OAS', raw: 'true', option: 'enableOAS', expected: true },
  { env: 'ENABLE_ALL_ENDPOINT', raw: 'true', option: 'enableAllEndpoint', expected: true },
  {
    env: 'CORS_ORIGIN',
    raw: 'https://a.example, https://b.example',
    option: 'corsOrigin',
    expected: ['https://a.example', 'https://b.example'],
  },
  {
    env: 'CORS_METHODS',
    raw: 'GET,POST,PUT',
    option: 'corsMethods',
    expected: ['GET', 'POST', 'PUT'],
  },
  {
    env: 'CORS_ALLOWED_HEADERS',
    raw: 'Authorization,Content-Type',
    option: 'corsAllowedHeaders',
    expected: ['Authorization', 'Content-Type'],
  },
  {
    env: 'CORS_EXPOSED_HEADERS',
    raw: 'ETag,X-Request-Id',
    option: 'corsExposedHeaders',
    expected: ['ETag', 'X-Request-Id'],
  },
  { env: 'CORS_CREDENTIALS', raw: 'true', option: 'corsCredentials', expected: true },
  { env: 'CORS_MAX_AGE', raw: '600', option: 'corsMaxAge', expected: 600 },
  { env: 'CORS_PREFLIGHT_CONTINUE', raw: 'true', option: 'corsPreflightContinue', expected: true },
  {
    env: 'CORS_OPTIONS_SUCCESS_STATUS',
    raw: '200',
    option: 'corsOptionsSuccessStatus',
    expected: 200,
  },
  {
    env: 'HTTP_OPTIONS_REJECT_UNAUTHORIZED',
    raw: 'false',
    option: 'httpRejectUnauthorized',
    expected: false,
  },
  {
    env: 'EXP_BOOTSTRAP_URL',
    raw: 'https://cdn.example.com/flags.json',
    option: 'bootstrapUrl',
    expected: 'https://cdn.example.com/flags.json',
  },
  {
    env: 'EXP_BOOTSTRAP_AUTHORIZATION',
    raw: 'Bearer xyz',
    option: 'bootstrapAuthorization',
    expected: 'Bearer xyz',
  },
  {
    env: 'EXP_SERVER_SIDE_SDK_CONFIG_TOKENS',
    raw: 'sdk-1,sdk-2',
    option: 'serverSideSdkTokens',
    expected: ['sdk-1', 'sdk-2'],
  },
  {
    env: 'UNLEASH_CUSTOM_STRATEGIES_FILE',
    raw: './a.js,./b.js',
    option: 'customStrategiesFiles',
    expected: ['./a.js', './b.js'],
  },
  {
    env: 'EXP_CUSTOM_ENRICHERS_FILE',
    raw: './enrich.js',
    option: 'customEnrichersFiles',
    expected: ['./enrich.js'],
  },
  {
    env: 'TRUST_PROXY',
    raw: '2',
    option: 'trustProxy',
    expected: { kind: 'hops', hops: 2 },
  },
  {
    env: 'PROXY_MODE',
    raw: 'online',
    option: 'proxyMode',
    expected: 'online',
  },
  {
    env: 'UNLEASH_BOOTSTRAP_FILE',
    raw: './flags.json',
    option: 'bootstrapFile',
    expected: './flags.json',
  },
  {
    env: 'UNLEASH_BOOTSTRAP_FILES',
    raw: ' production=/flags/p.json , development=/flags/d.json',
    option: 'bootstrapFiles',
    base: {
      PROXY_MODE: 'offline',
      UNLEASH_BOOTSTRAP_FILE: './flags.json',
      UNLEASH_PROXY_CLIENT_KEYS: 'key-1',
    },
    expected: [
      { environment: 'production', path: '/flags/p.json' },
      { environment: 'development', path: '/flags/d.json' },
    ],
  },
  {
    env: 'UNLEASH_BACKUP_PATH',
    raw: '/var/lib/proxy',
    option: 'backupPath',
    expected: '/var/lib/proxy',
  },
  { env: 'PROXY_BODY_LIMIT_BYTES', raw: '2048', option: 'bodyLimitBytes', expected: 2048 },
  { env: 'PROXY_SHUTDOWN_TIMEOUT_MS', raw: '30000', option: 'shutdownTimeoutMs', expected: 30000 },
  {
    env: 'PROXY_READINESS_MAX_AGE_MS',
    raw: '120000',
    option: 'readinessMaxAgeMs',
    expected: 120000,
  },
  { env: 'PROXY_MAX_HEADER_BYTES', raw: '32768', option: 'maxHeaderBytes', expected: 32768 },
  { env: 'PROXY_QUERY_LIMIT_BYTES', raw: '4096', option: 'queryLimitBytes', expected: 4096 },
  { env: 'PROXY_QUERY_PARAMETER_LIMIT', raw: '50', option: 'queryParameterLimit', expected: 50 },
  { env: 'PROXY_REQUEST_TIMEOUT_MS', raw: '5000', option: 'requestTimeoutMs', expected: 5000 },
  { env: 'PROXY_HEADERS_TIMEOUT_MS', raw: '4000', option: 'headersTimeoutMs', expected: 4000 },
  { env: 'PROXY_KEEP_ALIVE_TIMEOUT_MS', raw: '0', option: 'keepAliveTimeoutMs', expected: 0 },
  { env: 'PROXY_RATE_LIMIT_PER_KEY', raw: '100', option: 'rateLimitPerKey', expected: 100 },
  { env: 'PROXY_RATE_LIMIT_PER_IP', raw: '20', option: 'rateLimitPerIp', expected: 20 },
  { env: 'UNLEASH_TIMEOUT_MS', raw: '2500', option: 'unleashTimeoutMs', expected: 2500 },
  {
    env: 'REDIS_URL',
    raw: 'redis://127.0.0.1:6379',
    option: 'redisUrl',
    expected: 'redis://127.0.0.1:6379',
  },
  {
    env: 'UNLEASH_API_TOKENS',
    raw: 'default:development.a, default:production.b',
    option: 'unleashApiTokens',
    expected: ['default:development.a', 'default:production.b'],
  },
  {
    env: 'TOKENS',
    raw: '*:development.a',
    option: 'unleashApiTokens',
    expected: ['*:development.a'],
  },
  {
    env: 'PRETRUSTED_TOKENS',
    raw: 'web@development,*:production.c',
    option: 'pretrustedTokens',
    expected: ['web@development', '*:production.c'],
  },
  {
    env: 'TOKEN_REVALIDATION_INTERVAL_SECONDS',
    raw: '60',
    option: 'tokenRevalidationIntervalSeconds',
    expected: 60,
  },
  {
    env: 'PROXY_INVALID_TOKEN_CACHE_SECONDS',
    raw: '5',
    option: 'invalidTokenCacheSeconds',
    expected: 5,
  },
  { env: 'PROXY_BASE_PATH', raw: 'flags/', option: 'proxyBasePath', expected: '/flags' },
  { env: 'BASE_PATH', raw: '/edge', option: 'proxyBasePath', expected: '/edge' },
  { env: 'APP_NAME', raw: 'edge-app', option: 'unleashAppName', expected: 'edge-app' },
  { env: 'INSTANCE_ID', raw: 'edge-7', option: 'unleashInstanceId', expected: 'edge-7' },
  { env: 'BACKUP_FOLDER', raw: '/var/edge', option: 'backupPath', expected: '/var/edge' },
  { env: 'BOOTSTRAP_FILE', raw: './edge.json', option: 'bootstrapFile', expected: './edge.json' },
  {
    env: 'UPSTREAM_URL',
    raw: 'https://unleash.example.com',
    option: 'edgeUpstreamUrl',
    expected: 'https://unleash.example.com',
  },
  {
    env: 'FEATURES_REFRESH_INTERVAL_SECONDS',
    raw: '15',
    option: 'edgeFeaturesRefreshIntervalSeconds',
    expected: 15,
  },
  {
    env: 'METRICS_INTERVAL_SECONDS',
    raw: '60',
    option: 'edgeMetricsIntervalSeconds',
    expected: 60,
  },
  {
    env: 'UPSTREAM_REQUEST_TIMEOUT',
    raw: '5',
    option: 'edgeUpstreamRequestTimeoutSeconds',
    expected: 5,
  },
  { env: 'DISABLE_ALL_ENDPOINT', raw: 'true', option: 'edgeDisableAllEndpoint', expected: true },
  { env: 'SKIP_SSL_VERIFICATION', raw: 'true', option: 'edgeSkipSslVerification', expected: true },
  { env: 'LOG_FORMAT', raw: 'json', option: 'edgeLogFormat', expected: 'json' },
  {
    env: 'PROXY_GEOIP_DATABASE',
    raw: '/data/City.mmdb, /data/ASN.mmdb',
    option: 'geoipDatabases',
    expected: ['/data/City.mmdb', '/data/ASN.mmdb'],
  },
  { env: 'PROXY_DEVICE_CONTEXT', raw: 'true', option: 'deviceContext', expected: true },
  {
    env: 'PROXY_DERIVED_PROPERTY_PREFIX',
    raw: 'geo_',
    option: 'derivedPropertyPrefix',
    expected: 'geo_',
  },
  {
    env: 'PROXY_DERIVED_PROPERTY_NAMES',
    raw: 'country=countryCode, deviceType=device',
    option: 'derivedPropertyNames',
    expected: { country: 'countryCode', deviceType: 'device' },
  },
  {
    env: 'PROXY_DERIVED_PROPERTY_PRECEDENCE',
    raw: 'Caller',
    option: 'derivedPropertyPrecedence',
    expected: 'caller',
  },
  { env: 'OFREP_ALWAYS_SEND_VALUE', raw: 'true', option: 'ofrepAlwaysSendValue', expected: true },
  { env: 'PROXY_STREAMS_ENABLED', raw: 'false', option: 'streamsEnabled', expected: false },
  {
    env: 'PROXY_STREAM_MAX_CONNECTIONS',
    raw: '50',
    option: 'streamMaxConnections',
    expected: 50,
  },
  { env: 'PROXY_STREAM_MAX_AGE_MS', raw: '60000', option: 'streamMaxAgeMs', expected: 60_000 },
  { env: 'PROXY_STREAM_HEARTBEAT_MS', raw: '5000', option: 'streamHeartbeatMs', expected: 5_000 },
  { env: 'PROXY_STREAM_HISTORY_SIZE', raw: '10', option: 'streamHistorySize', expected: 10 },
];

describe('environment variables, unset', () => {
  const config = loadConfig({});

  it.each(Object.entries(DEFAULTS))('%s has the default', (option, expected) => {
    expect(config[option as OptionName]).toEqual(expected);
  });

  it('covers every option of the table', () => {
    expect(Object.keys(DEFAULTS).sort()).toEqual(Object.keys(OPTIONS).sort());
  });

  it('runs the demo with no client keys when nothing is configured', () => {
    expect(config.mode).toBe('demo');
    expect(config.allClientKeys).toEqual([]);
  });

  it('treats an empty variable as unset', () => {
    const blank = loadConfig({ PORT: '', UNLEASH_URL: '', LOG_LEVEL: '' });
    expect(blank.proxyPort).toBe(3000);
    expect(blank.mode).toBe('demo');
    expect(blank.logLevel).toBe('warn');
  });
});

describe('environment variables, set', () => {
  it.each(SET_VALUES)('$env=$raw sets $option', ({ env, raw, option, expected, base }) => {
    const config = loadConfig({ ...(base ?? ONLINE), [env]: raw });
    expect(config[option]).toEqual(expected);
  });

  it('covers every variable of the table', () => {
    const tested = new Set(SET_VALUES.map((entry) => entry.env));
    const declared = Object.values(OPTIONS).flatMap((spec) => spec.env);
    expect(declared.filter((name) => !tested.has(name))).toEqual([]);
  });

  it('goes online with UNLEASH_URL', () => {
    expect(loadConfig(ONLINE).mode).toBe('online');
  });

  it('prefers PORT over PROXY_PORT when both are set', () => {
    expect(loadConfig({ PORT: '4000', PROXY_PORT: '5000' }).proxyPort).toBe(4000);
  });

  it('merges UNLEASH_PROXY_SECRETS into the client keys, without duplicates', () => {
    const config = loadConfig({
      ...ONLINE,
      UNLEASH_PROXY_CLIENT_KEYS: 'new-1,shared',
      UNLEASH_PROXY_SECRETS: 'shared,old-1',
    });
    expect(config.allClientKeys).toEqual(['new-1', 'shared', 'old-1']);
  });

  it('accepts the legacy UNLEASH_PROXY_SECRETS alone as the client keys of an online proxy', () => {
    const { UNLEASH_PROXY_CLIENT_KEYS: _unused, ...withoutKeys } = ONLINE;
    const config = loadConfig({ ...withoutKeys, UNLEASH_PROXY_SECRETS: 'legacy' });
    expect(config.allClientKeys).toEqual(['legacy']);
  });

  it('reads CORS_ORIGIN=* as any origin', () => {
    expect(loadConfig({ CORS_ORIGIN: ' * ' }).corsOrigin).toBe('*');
  });

  it('keeps a single origin as a list', () => {
    expect(loadConfig({ CORS_ORIGIN: 'https://a.example' }).corsOrigin).toEqual([
      'https://a.example',
    ]);
  });

  it('returns a frozen configuration', () => {
    expect(Object.isFrozen(loadConfig(ONLINE))).toBe(true);
  });
});
