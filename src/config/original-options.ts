import { option } from './option-spec.js';
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
 * The options of the original Unleash Proxy, under its environment variable names and with its
 * defaults. The key is the option's name when given in code (`createProxy({ ... })`).
 */
export const ORIGINAL_OPTIONS = {
  unleashUrl: option({
    env: ['UNLEASH_URL'],
    parser: httpUrl,
    doc: 'API URL of the Unleash server, e.g. https://unleash.example.com/api. Required unless PROXY_MODE is offline or demo.',
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
    env: ['PROXY_BASE_PATH', 'BASE_PATH'],
    parser: basePath,
    default: '',
    doc: 'Path prefix for every route, e.g. /flags gives /flags/proxy.',
  }),
  unleashAppName: option({
    env: ['UNLEASH_APP_NAME', 'APP_NAME'],
    parser: text,
    default: 'unleash-proxy',
    doc: 'App name the proxy registers with; the default appName of the evaluation context.',
  }),
  unleashInstanceId: option({
    env: ['UNLEASH_INSTANCE_ID', 'INSTANCE_ID'],
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
    doc: 'Tokens that backend SDKs may use to read /proxy/client/features, in Authorization or in CLIENT_KEY_HEADER_NAME.',
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
} as const;
