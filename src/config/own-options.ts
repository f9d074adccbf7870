import { option } from './option-spec.js';
import { environmentFileList, integer, oneOf, text } from './parsers.js';

/** Options this proxy adds: offline flags, backups, limits, timeouts, rate limits, fleets. */
export const OWN_OPTIONS = {
  proxyMode: option({
    env: ['PROXY_MODE'],
    parser: oneOf('online', 'offline', 'demo'),
    doc: 'online: sync from UNLEASH_URL. offline: serve UNLEASH_BOOTSTRAP_FILE without Unleash. demo: serve the bundled example flags. Default: online when UNLEASH_URL is set; demo when nothing at all is configured (a fresh machine); otherwise a boot error. The Docker image sets online.',
  }),
  bootstrapFile: option({
    env: ['UNLEASH_BOOTSTRAP_FILE', 'BOOTSTRAP_FILE'],
    parser: text,
    doc: 'Flag file (Unleash client API format) served with PROXY_MODE=offline.',
  }),
  bootstrapFiles: option({
    env: ['UNLEASH_BOOTSTRAP_FILES'],
    parser: environmentFileList,
    default: [],
    doc: "PROXY_MODE=offline: one flag file per environment, e.g. production=/flags/production.json,development=/flags/development.json. The PRETRUSTED_TOKENS of each environment read its file on /api/frontend and OFREP; every pretrusted token's environment needs one (boot error otherwise). /proxy and client keys keep UNLEASH_BOOTSTRAP_FILE. Unset: UNLEASH_BOOTSTRAP_FILE serves every environment.",
  }),
  backupPath: option({
    env: ['UNLEASH_BACKUP_PATH', 'BACKUP_FOLDER'],
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
    doc: 'Requests per second allowed per client key, across all API routes together (0: no limit); more get 429.',
  }),
  rateLimitPerIp: option({
    env: ['PROXY_RATE_LIMIT_PER_IP'],
    parser: integer(0),
    default: 0,
    doc: 'Requests per second allowed per client IP, across all API routes together (0: no limit); more get 429.',
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
