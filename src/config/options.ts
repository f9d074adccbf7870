import {
  boolean,
  corsOrigin,
  httpUrl,
  integer,
  oneOf,
  ParseError,
  type Parser,
  stringList,
  tagList,
  text,
} from './parsers.js';
import { type TrustProxy, trustProxy as trustProxyParser } from './trust-proxy.js';

export interface OptionSpec<T> {
  /** Environment variables read for this option, first one set wins. */
  readonly env: readonly string[];
  readonly parser: Parser<T>;
  readonly default?: T;
  /** Secrets are never printed, not in errors and not in logs. */
  readonly secret?: boolean;
  readonly doc: string;
  /** How the default is written in the README, when it is not a plain value. */
  readonly defaultDoc?: string;
}

function option<T>(spec: OptionSpec<T> & { default: T }): OptionSpec<T> & { default: T };
function option<T>(spec: OptionSpec<T>): OptionSpec<T>;
function option<T>(spec: OptionSpec<T>): OptionSpec<T> {
  return spec;
}

const basePath: Parser<string> = {
  kind: 'path',
  fromEnv(raw) {
    const trimmed = raw.trim().replace(/\/+$/, '');
    if (trimmed === '') return '';
    if (!/^\/?[A-Za-z0-9._~\-/]+$/.test(trimmed)) {
      throw new ParseError('expected a URL path such as /flags');
    }
    return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  },
  fromCode(value) {
    if (typeof value === 'string') return basePath.fromEnv(value);
    throw new ParseError('expected a string');
  },
};

const headerName: Parser<string> = {
  kind: 'header name',
  fromEnv(raw) {
    const name = raw.trim().toLowerCase();
    if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name))
      throw new ParseError('expected an HTTP header name');
    return name;
  },
  fromCode(value) {
    if (typeof value === 'string') return headerName.fromEnv(value);
    throw new ParseError('expected a string');
  },
};

/**
 * Every option the proxy reads, under the original Unleash Proxy's environment variable names
 * and defaults. The key is the option's name when given in code (`createApp({ ... })`).
 */
export const OPTIONS = {
  unleashUrl: option({
    env: ['UNLEASH_URL'],
    parser: httpUrl,
    doc: 'API URL of the Unleash server, e.g. https://unleash.example.com/api. Unset: offline mode on a bootstrap file.',
  }),
  unleashApiToken: option({
    env: ['UNLEASH_API_TOKEN'],
    parser: text,
    secret: true,
    doc: 'Client (backend) API token the proxy uses against Unleash. Required with UNLEASH_URL.',
  }),
  clientKeys: option({
    env: ['UNLEASH_PROXY_CLIENT_KEYS'],
    parser: stringList,
    default: [],
    secret: true,
    doc: 'Keys the frontend SDKs send in CLIENT_KEY_HEADER_NAME. Required with UNLEASH_URL.',
  }),
  proxySecrets: option({
    env: ['UNLEASH_PROXY_SECRETS'],
    parser: stringList,
    default: [],
    secret: true,
    doc: 'Legacy name for client keys; both lists are accepted.',
  }),
  proxyPort: option({
    env: ['PORT', 'PROXY_PORT'],
    parser: integer(0, 65535),
    default: 3000,
    doc: 'Port to listen on.',
  }),
  proxyBasePath: option({
    env: ['PROXY_BASE_PATH'],
    parser: basePath,
    default: '',
    doc: 'Path prefix for every route, e.g. /flags gives /flags/proxy.',
  }),
  unleashAppName: option({
    env: ['UNLEASH_APP_NAME'],
    parser: text,
    default: 'unleash-proxy',
    doc: 'App name the proxy registers with; the default appName of the evaluation context.',
  }),
  unleashInstanceId: option({
    env: ['UNLEASH_INSTANCE_ID'],
    parser: text,
    doc: 'Instance id reported to Unleash. Default: generated from the host name.',
  }),
  refreshInterval: option({
    env: ['UNLEASH_FETCH_INTERVAL'],
    parser: integer(0),
    default: 5000,
    doc: 'Milliseconds between polls of Unleash for flag changes (0 disables polling).',
  }),
  metricsInterval: option({
    env: ['UNLEASH_METRICS_INTERVAL'],
    parser: integer(0),
    default: 30000,
    doc: 'Milliseconds between uploads to Unleash of the usage counts SDKs post to the proxy (0: counts are accepted and discarded).',
  }),
  metricsJitter: option({
    env: ['UNLEASH_METRICS_JITTER'],
    parser: integer(0),
    default: 0,
    doc: 'Random extra delay, up to this many milliseconds, on each metrics upload.',
  }),
  environment: option({
    env: ['UNLEASH_ENVIRONMENT'],
    parser: text,
    doc: 'When set, the context environment for every request, whatever the caller sends.',
  }),
  projectName: option({
    env: ['UNLEASH_PROJECT_NAME'],
    parser: text,
    doc: 'Only fetch the flags of this project.',
  }),
  namePrefix: option({
    env: ['UNLEASH_NAME_PREFIX'],
    parser: text,
    doc: 'Only fetch flags whose names start with this prefix.',
  }),
  tags: option({
    env: ['UNLEASH_TAGS'],
    parser: tagList,
    default: [],
    doc: 'Only fetch flags with these tags: name:value,name:value.',
  }),
  logLevel: option({
    env: ['LOG_LEVEL'],
    parser: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
    default: 'warn',
    doc: 'Log level. Request lines are logged at info.',
  }),
  jsonLogger: option({
    env: ['JSON_LOGGER'],
    parser: boolean,
    default: false,
    doc: 'Log one JSON object per line instead of plain text.',
  }),
  clientKeysHeaderName: option({
    env: ['CLIENT_KEY_HEADER_NAME'],
    parser: headerName,
    default: 'authorization',
    doc: 'Header that carries the client key.',
  }),
  enableOAS: option({
    env: ['ENABLE_OAS'],
    parser: boolean,
    default: false,
    doc: 'Serve the OpenAPI document and Swagger UI under /docs/openapi.',
  }),
  enableAllEndpoint: option({
    env: ['ENABLE_ALL_ENDPOINT'],
    parser: boolean,
    default: false,
    doc: 'Enable /proxy/all (every flag, enabled or not); otherwise it answers 501.',
  }),
  corsOrigin: option({
    env: ['CORS_ORIGIN'],
    parser: corsOrigin,
    default: '*',
    doc: 'Allowed origins: * or a comma-separated list.',
  }),
  corsMethods: option({
    env: ['CORS_METHODS'],
    parser: stringList,
    default: ['GET', 'POST'],
    doc: 'Allowed methods for cross-origin requests.',
  }),
  corsAllowedHeaders: option({
    env: ['CORS_ALLOWED_HEADERS'],
    parser: stringList,
    doc: 'Allowed request headers. Default: whatever the preflight asks for.',
  }),
  corsExposedHeaders: option({
    env: ['CORS_EXPOSED_HEADERS'],
    parser: stringList,
    default: ['ETag'],
    doc: 'Response headers the browser may read.',
  }),
  corsCredentials: option({
    env: ['CORS_CREDENTIALS'],
    parser: boolean,
    default: false,
    doc: 'Send Access-Control-Allow-Credentials.',
  }),
  corsMaxAge: option({
    env: ['CORS_MAX_AGE'],
    parser: integer(0),
    default: 172800,
    doc: 'Seconds a browser may cache a preflight answer.',
  }),
  corsPreflightContinue: option({
    env: ['CORS_PREFLIGHT_CONTINUE'],
    parser: boolean,
    default: false,
    doc: 'Pass preflight requests on to the routes instead of answering them.',
  }),
  corsOptionsSuccessStatus: option({
    env: ['CORS_OPTIONS_SUCCESS_STATUS'],
    parser: integer(200, 299),
    default: 204,
    doc: 'Status of a successful preflight answer.',
  }),
  httpRejectUnauthorized: option({
    env: ['HTTP_OPTIONS_REJECT_UNAUTHORIZED'],
    parser: boolean,
    default: true,
    doc: 'Reject an Unleash server whose TLS certificate does not verify.',
  }),
  bootstrapUrl: option({
    env: ['EXP_BOOTSTRAP_URL'],
    parser: httpUrl,
    doc: 'URL of a flag configuration to start from before Unleash answers.',
  }),
  bootstrapAuthorization: option({
    env: ['EXP_BOOTSTRAP_AUTHORIZATION'],
    parser: text,
    secret: true,
    doc: 'Authorization header sent to EXP_BOOTSTRAP_URL.',
  }),
  serverSideSdkTokens: option({
    env: ['EXP_SERVER_SIDE_SDK_CONFIG_TOKENS'],
    parser: stringList,
    default: [],
    secret: true,
    doc: 'Tokens that backend SDKs may use to read /proxy/client/features.',
  }),
  customStrategiesFiles: option({
    env: ['UNLEASH_CUSTOM_STRATEGIES_FILE'],
    parser: stringList,
    default: [],
    doc: 'Comma-separated paths (absolute or relative to the working directory) of CommonJS or ESM modules exporting an array of unleash-client Strategy instances: module.exports = [new MyStrategy()]. Loaded and checked at boot by createProxy (the CLI).',
  }),
  customEnrichersFiles: option({
    env: ['EXP_CUSTOM_ENRICHERS_FILE'],
    parser: stringList,
    default: [],
    doc: 'Comma-separated paths (absolute or relative to the working directory) of CommonJS or ESM modules exporting an array of functions (context, request) => context | Promise<context>, run in order before evaluation. Loaded and checked at boot by createProxy (the CLI).',
  }),
  trustProxy: option({
    env: ['TRUST_PROXY'],
    parser: trustProxyParser,
    default: { kind: 'none' } as TrustProxy,
    defaultDoc: 'false',
    doc: 'Which proxies in X-Forwarded-For to trust, as Express reads it: false (the socket address is the client), true (every hop: the left-most address), a hop count, or comma-separated IPs, CIDRs and the names loopback, linklocal, uniquelocal.',
  }),
  bootstrapFile: option({
    env: ['UNLEASH_BOOTSTRAP_FILE'],
    parser: text,
    doc: 'Flag file (Unleash client API format) served in offline mode. Default: the bundled examples.',
  }),
  backupPath: option({
    env: ['UNLEASH_BACKUP_PATH'],
    parser: text,
    doc: 'Folder for the backup of the last flags received. Default: the OS temp folder.',
  }),
  bodyLimitBytes: option({
    env: ['PROXY_BODY_LIMIT_BYTES'],
    parser: integer(1),
    default: 102_400,
    doc: 'Largest request body accepted; larger ones get 413.',
  }),
  readinessMaxAgeMs: option({
    env: ['PROXY_READINESS_MAX_AGE_MS'],
    parser: integer(0),
    doc: 'Readiness (/proxy/health/ready) turns 503 when Unleash has not answered a poll successfully for this long. 0 disables the check. Default: 60 x UNLEASH_FETCH_INTERVAL, at least 60000 (off without polling).',
  }),
  shutdownTimeoutMs: option({
    env: ['PROXY_SHUTDOWN_TIMEOUT_MS'],
    parser: integer(0),
    default: 10_000,
    doc: 'On SIGTERM, how long in-flight requests may take before the process exits anyway.',
  }),
  // Hardening (issue 8): limits, timeouts, rate limits, upstream timeout, shared backup.
  maxHeaderBytes: option({
    env: ['PROXY_MAX_HEADER_BYTES'],
    parser: integer(1024, 1_048_576),
    default: 16_384,
    doc: 'Largest request line plus headers accepted; larger ones get 431.',
  }),
  queryLimitBytes: option({
    env: ['PROXY_QUERY_LIMIT_BYTES'],
    parser: integer(1),
    default: 8_192,
    doc: 'Longest query string accepted; longer ones get 414.',
  }),
  queryParameterLimit: option({
    env: ['PROXY_QUERY_PARAMETER_LIMIT'],
    parser: integer(1),
    default: 1_000,
    doc: 'Most query parameters accepted in one request; more get 400.',
  }),
  requestTimeoutMs: option({
    env: ['PROXY_REQUEST_TIMEOUT_MS'],
    parser: integer(100),
    default: 30_000,
    doc: 'Time a client has to send a whole request (headers and body); slower ones get 408 and are disconnected.',
  }),
  headersTimeoutMs: option({
    env: ['PROXY_HEADERS_TIMEOUT_MS'],
    parser: integer(100),
    default: 20_000,
    doc: 'Time a client has to send the request headers; at most PROXY_REQUEST_TIMEOUT_MS.',
  }),
  keepAliveTimeoutMs: option({
    env: ['PROXY_KEEP_ALIVE_TIMEOUT_MS'],
    parser: integer(0),
    default: 5_000,
    doc: 'How long an idle keep-alive connection stays open; keep it above your load balancer idle timeout.',
  }),
  rateLimitPerKey: option({
    env: ['PROXY_RATE_LIMIT_PER_KEY'],
    parser: integer(0),
    default: 0,
    doc: 'Requests per second allowed per client key on the API routes (0: no limit); more get 429.',
  }),
  rateLimitPerIp: option({
    env: ['PROXY_RATE_LIMIT_PER_IP'],
    parser: integer(0),
    default: 0,
    doc: 'Requests per second allowed per client IP on the API routes (0: no limit); more get 429.',
  }),
  unleashTimeoutMs: option({
    env: ['UNLEASH_TIMEOUT_MS'],
    parser: integer(1000),
    default: 10_000,
    doc: 'How long one request to Unleash may take before it counts as failed (unleash-client retries twice).',
  }),
  redisUrl: option({
    env: ['REDIS_URL'],
    parser: text,
    secret: true,
    doc: 'redis:// URL. When set, instances share one flag backup in Redis and only one of them at a time fetches from Unleash.',
  }),
} as const;

export type OptionName = keyof typeof OPTIONS;

type ValueOf<S> =
  S extends OptionSpec<infer T> ? (S extends { default: T } ? T : T | undefined) : never;

/** The parsed options, one field per entry of OPTIONS. */
export type ParsedOptions = { readonly [K in OptionName]: ValueOf<(typeof OPTIONS)[K]> };
