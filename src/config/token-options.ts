import { option } from './option-spec.js';
import { boolean, httpUrl, integer, oneOf, stringList } from './parsers.js';

/**
 * Options for Unleash-issued tokens and several environments, and the names Unleash Edge reads
 * for settings this proxy already has. An Edge deployment's environment works unchanged: each
 * Edge name below feeds the proxy's own option (converted to its unit) when that is not set.
 */
export const TOKEN_OPTIONS = {
  unleashApiTokens: option({
    env: ['UNLEASH_API_TOKENS', 'TOKENS'],
    parser: stringList,
    default: [],
    secret: true,
    doc: 'Backend tokens the proxy synchronizes flags with, comma-separated: one sync per environment and projects, after dropping tokens another one covers. With UNLEASH_API_TOKEN as well, that one is added first (it is the scope /proxy serves).',
  }),
  pretrustedTokens: option({
    env: ['PRETRUSTED_TOKENS'],
    parser: stringList,
    default: [],
    secret: true,
    doc: "Frontend tokens accepted without asking Unleash: Unleash tokens (project:environment.secret) or Edge's legacy secret@environment (every project of that environment).",
  }),
  tokenRevalidationIntervalSeconds: option({
    env: ['TOKEN_REVALIDATION_INTERVAL_SECONDS'],
    parser: integer(0),
    default: 3600,
    doc: 'How often tokens validated with Unleash are validated again; a token Unleash no longer knows stops working then (0: never).',
  }),
  invalidTokenCacheSeconds: option({
    env: ['PROXY_INVALID_TOKEN_CACHE_SECONDS'],
    parser: integer(0),
    default: 60,
    doc: 'How long a token Unleash refused is refused without asking Unleash again.',
  }),
  edgeUpstreamUrl: option({
    env: ['UPSTREAM_URL'],
    parser: httpUrl,
    doc: "Edge's name: the Unleash URL without /api. Used as UNLEASH_URL (with /api added) when that is not set.",
  }),
  edgeFeaturesRefreshIntervalSeconds: option({
    env: ['FEATURES_REFRESH_INTERVAL_SECONDS'],
    parser: integer(0),
    doc: "Edge's name: seconds between polls of Unleash; used as UNLEASH_FETCH_INTERVAL when that is not set.",
  }),
  edgeMetricsIntervalSeconds: option({
    env: ['METRICS_INTERVAL_SECONDS'],
    parser: integer(0),
    doc: "Edge's name: seconds between usage uploads; used as UNLEASH_METRICS_INTERVAL when that is not set.",
  }),
  edgeUpstreamRequestTimeoutSeconds: option({
    env: ['UPSTREAM_REQUEST_TIMEOUT'],
    parser: integer(1),
    doc: "Edge's name: seconds a request to Unleash may take; used as UNLEASH_TIMEOUT_MS when that is not set.",
  }),
  edgeDisableAllEndpoint: option({
    env: ['DISABLE_ALL_ENDPOINT'],
    parser: boolean,
    doc: "Edge's name: true disables the /all endpoints; false enables them (ENABLE_ALL_ENDPOINT wins when set).",
  }),
  edgeSkipSslVerification: option({
    env: ['SKIP_SSL_VERIFICATION'],
    parser: boolean,
    doc: "Edge's name: true accepts an Unleash whose TLS certificate does not verify (HTTP_OPTIONS_REJECT_UNAUTHORIZED wins when set).",
  }),
  edgeLogFormat: option({
    env: ['LOG_FORMAT'],
    parser: oneOf('plain', 'json', 'pretty'),
    doc: "Edge's name: json logs one JSON object per line (JSON_LOGGER wins when set).",
  }),
} as const;
