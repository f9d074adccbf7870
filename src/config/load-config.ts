import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ConfigError } from '../errors.js';
import { OPTIONS, type OptionName, type OptionSpec, type ParsedOptions } from './options.js';
import { ParseError } from './parsers.js';
import {
  type AgentFactory,
  type BootstrapSource,
  type ClientMode,
  type FlagStorageProvider,
  NESTED_CORS,
  type OriginalLogger,
  type ProgrammaticOptions,
  programmaticConflicts,
  readProgrammaticOptions,
} from './programmatic-options.js';
import { readPretrustedToken, readTokenClaim } from './unleash-token.js';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Options given in code: the same names as in OPTIONS, plus the original proxy's nested forms
 * and its programmatic options (see programmatic-options.ts). A name not listed is refused.
 */
export type ProxyOptions = { readonly [K in OptionName]?: unknown } & {
  readonly cors?: Readonly<Record<string, unknown>>;
  readonly httpOptions?: { readonly rejectUnauthorized?: unknown; readonly agent?: AgentFactory };
  readonly bootstrap?: { readonly url?: unknown; readonly urlHeaders?: Record<string, unknown> };
  readonly expServerSideSdkConfig?: { readonly tokens?: unknown };
  /** The original's Logger (debug, info, warn, error, fatal): every line goes to it. */
  readonly logger?: OriginalLogger;
  /** The original's name for `jsonLogger`. */
  readonly useJsonLogger?: unknown;
  /** unleash-client's StorageProvider, for the backup of the last good flags. */
  readonly storageProvider?: FlagStorageProvider;
  /** unleash-client's BootstrapOptions: flags to start from before Unleash answers. */
  readonly expBootstrap?: BootstrapSource;
  readonly clientMode?: ClientMode;
};

export type ProxyConfig = ParsedOptions & {
  /** online: synced from UNLEASH_URL; offline: a flag file; demo: the bundled example flags. */
  readonly mode: ProxyMode;
  readonly unleashInstanceId: string;
  /** Client keys and legacy proxy secrets together. */
  readonly allClientKeys: readonly string[];
  /**
   * The backend tokens to synchronize with, in order: UNLEASH_API_TOKEN first (the scope
   * /proxy serves), then UNLEASH_API_TOKENS / TOKENS, duplicates removed. Empty offline.
   */
  readonly scopeTokens: readonly string[];
  /** PRETRUSTED_TOKENS, read: valid without asking Unleash. */
  readonly trustedTokens: readonly TrustedToken[];
  /** The objects and functions only a program can give, checked. */
  readonly programmatic: ProgrammaticOptions;
};

export interface TrustedToken {
  readonly secret: string;
  readonly environment: string;
  readonly projects: readonly string[];
}

export type ProxyMode = 'online' | 'offline' | 'demo';

/**
 * Settings that only make sense against an Unleash server: with any of them and no UNLEASH_URL
 * (a typo in its name, say), serving the demo flags to production keys would fail open.
 */
const MEANT_FOR_UNLEASH: readonly OptionName[] = [
  'unleashApiToken',
  'clientKeys',
  'proxySecrets',
  'bootstrapUrl',
  'bootstrapAuthorization',
  'bootstrapFile',
  'bootstrapFiles',
  'unleashApiTokens',
  'pretrustedTokens',
];

function isSet(value: unknown): boolean {
  return value !== undefined && !(Array.isArray(value) && value.length === 0);
}

/**
 * The mode asked for, or the one implied: online with UNLEASH_URL, the demo on a machine where
 * nothing at all is configured, and otherwise a problem naming UNLEASH_URL.
 */
function resolveMode(
  values: ParsedOptions,
  rejected: ReadonlySet<OptionName>,
  problems: string[],
): ProxyMode {
  // A malformed UNLEASH_URL is already a problem; requirements that follow from it are noise.
  if (rejected.has('unleashUrl') || rejected.has('edgeUpstreamUrl')) {
    return values.proxyMode ?? 'online';
  }
  const hasUrl = values.unleashUrl !== undefined;
  const asked = values.proxyMode;
  if (asked === undefined) {
    if (hasUrl) return 'online';
    const configured = MEANT_FOR_UNLEASH.filter((name) => isSet(values[name]));
    if (configured.length > 0) {
      const names = configured.map((name) => OPTIONS[name].env[0]).join(', ');
      problems.push(
        `UNLEASH_URL is not set, but ${names} ${configured.length === 1 ? 'is' : 'are'}: set UNLEASH_URL to sync with Unleash, or PROXY_MODE=offline to serve UNLEASH_BOOTSTRAP_FILE without Unleash (PROXY_MODE=demo: the bundled example flags)`,
      );
    }
    return 'demo';
  }
  if (asked === 'online' && !hasUrl) {
    problems.push('UNLEASH_URL is required with PROXY_MODE=online');
  }
  if (asked !== 'online' && hasUrl) {
    problems.push(`UNLEASH_URL is set, but PROXY_MODE=${asked} does not use Unleash`);
  }
  if (asked === 'offline' && values.bootstrapFile === undefined && !rejected.has('bootstrapFile')) {
    problems.push('UNLEASH_BOOTSTRAP_FILE is required with PROXY_MODE=offline');
  }
  if (asked === 'demo' && values.bootstrapFile !== undefined) {
    problems.push(
      'UNLEASH_BOOTSTRAP_FILE is set, but PROXY_MODE=demo serves the bundled example flags (PROXY_MODE=offline serves a file)',
    );
  }
  return asked;
}

/** Folds the original proxy's nested option objects into the flat names of OPTIONS. */
function flattenOptions(options: ProxyOptions): Partial<Record<OptionName, unknown>> {
  const flat: Partial<Record<OptionName, unknown>> = {};
  for (const name of Object.keys(OPTIONS) as OptionName[]) {
    if (options[name] !== undefined) flat[name] = options[name];
  }
  for (const [key, value] of Object.entries(options.cors ?? {})) {
    const name = NESTED_CORS[key as keyof typeof NESTED_CORS];
    if (name !== undefined && value !== undefined && flat[name] === undefined) flat[name] = value;
  }
  if (options.useJsonLogger !== undefined) flat.jsonLogger ??= options.useJsonLogger;
  if (options.httpOptions?.rejectUnauthorized !== undefined) {
    flat.httpRejectUnauthorized ??= options.httpOptions.rejectUnauthorized;
  }
  if (options.bootstrap?.url !== undefined) flat.bootstrapUrl ??= options.bootstrap.url;
  const bootstrapAuthorization = options.bootstrap?.urlHeaders?.Authorization;
  if (bootstrapAuthorization !== undefined) flat.bootstrapAuthorization ??= bootstrapAuthorization;
  if (options.expServerSideSdkConfig?.tokens !== undefined) {
    flat.serverSideSdkTokens ??= options.expServerSideSdkConfig.tokens;
  }
  return flat;
}

function describe(spec: OptionSpec<unknown>, shown: string): string {
  return spec.secret ? '(value hidden)' : JSON.stringify(shown);
}

/**
 * Reads every option once: code options win over environment variables, which win over
 * defaults. All problems are collected and thrown together as one ConfigError.
 */
export function loadConfig(env: Env = {}, options: ProxyOptions = {}): ProxyConfig {
  const fromCode = flattenOptions(options);
  const problems: string[] = [];
  const programmatic = readProgrammaticOptions(options, problems);
  const parsed: Record<string, unknown> = {};
  // A rejected option keeps its default, so the checks below still run on well-typed values
  // and every problem is reported together instead of a TypeError about the first one.
  const rejected = new Set<OptionName>();
  // Options set explicitly (code or environment): Edge's names only fill in the others.
  const given = new Set<OptionName>();

  for (const [name, spec] of Object.entries(OPTIONS) as [OptionName, OptionSpec<unknown>][]) {
    const codeValue = fromCode[name];
    if (codeValue !== undefined) {
      try {
        parsed[name] = spec.parser.fromCode(codeValue);
        given.add(name);
      } catch (error) {
        const shown = spec.secret ? '(value hidden)' : JSON.stringify(codeValue);
        problems.push(`option ${name}=${shown}: ${reason(error)}`);
        rejected.add(name);
        parsed[name] = spec.default;
      }
      continue;
    }
    const envName = spec.env.find((candidate) => (env[candidate] ?? '') !== '');
    const raw = envName === undefined ? undefined : env[envName];
    if (envName !== undefined && raw !== undefined) {
      try {
        parsed[name] = spec.parser.fromEnv(raw);
        given.add(name);
      } catch (error) {
        problems.push(`${envName}=${describe(spec, raw)}: ${reason(error)}`);
        rejected.add(name);
        parsed[name] = spec.default;
      }
      continue;
    }
    parsed[name] = spec.default;
  }

  const values = withEdgeNames(parsed as ParsedOptions, given);
  const allClientKeys = [...new Set([...values.clientKeys, ...values.proxySecrets])];
  const mode = resolveMode(values, rejected, problems);
  const keysRejected = rejected.has('clientKeys') || rejected.has('proxySecrets');
  const scopeTokens = [
    ...new Set([
      ...(values.unleashApiToken === undefined ? [] : [values.unleashApiToken]),
      ...values.unleashApiTokens,
    ]),
  ];
  const tokensRejected = rejected.has('unleashApiToken') || rejected.has('unleashApiTokens');
  const trustedTokens = readTrustedTokens(values.pretrustedTokens, problems);
  if (mode === 'online' && !rejected.has('unleashUrl') && !rejected.has('edgeUpstreamUrl')) {
    if (scopeTokens.length === 0 && !tokensRejected) {
      problems.push(
        'UNLEASH_API_TOKEN (or UNLEASH_API_TOKENS / TOKENS) is required when UNLEASH_URL is set',
      );
    }
    checkScopeTokens(values.unleashApiTokens, problems);
    // The original's one-token configuration serves /proxy only, so it needs client keys;
    // with Unleash tokens configured, frontend tokens are the way in and keys are optional.
    if (values.unleashApiTokens.length === 0 && allClientKeys.length === 0 && !keysRejected) {
      problems.push('UNLEASH_PROXY_CLIENT_KEYS is required when UNLEASH_URL is set');
    }
  } else if (mode === 'offline' && allClientKeys.length === 0 && trustedTokens.length === 0) {
    // Only the bundled example flags may be served with the public demo key.
    if (!keysRejected && !rejected.has('pretrustedTokens')) {
      problems.push(
        'UNLEASH_PROXY_CLIENT_KEYS (or PRETRUSTED_TOKENS) is required with PROXY_MODE=offline',
      );
    }
  }

  checkEnvironmentFiles(values, mode, trustedTokens, problems);

  problems.push(...programmaticConflicts(programmatic, { ...values, mode }));
  if (problems.length > 0) throw new ConfigError(problems);

  return Object.freeze({
    ...values,
    mode,
    allClientKeys,
    scopeTokens: mode === 'online' ? scopeTokens : [],
    trustedTokens,
    programmatic,
    // The sync of the first scope: until each scope has its own, the first token is the token.
    unleashApiToken: values.unleashApiToken ?? scopeTokens[0],
    unleashInstanceId:
      values.unleashInstanceId ??
      `${values.unleashAppName}-${hostname()}-${randomBytes(4).toString('hex')}`,
  });
}

function reason(error: unknown): string {
  return error instanceof ParseError ? error.message : String(error);
}

/** Fills options left unset from the names Unleash Edge reads, converted to this proxy's units. */
function withEdgeNames(values: ParsedOptions, given: ReadonlySet<OptionName>): ParsedOptions {
  const filled: { -readonly [K in OptionName]?: ParsedOptions[K] } = {};
  if (!given.has('unleashUrl') && values.edgeUpstreamUrl !== undefined) {
    filled.unleashUrl = `${values.edgeUpstreamUrl.replace(/\/+$/, '')}/api`;
  }
  if (!given.has('refreshInterval') && values.edgeFeaturesRefreshIntervalSeconds !== undefined) {
    filled.refreshInterval = values.edgeFeaturesRefreshIntervalSeconds * 1000;
  }
  if (!given.has('metricsInterval') && values.edgeMetricsIntervalSeconds !== undefined) {
    filled.metricsInterval = values.edgeMetricsIntervalSeconds * 1000;
  }
  if (!given.has('unleashTimeoutMs') && values.edgeUpstreamRequestTimeoutSeconds !== undefined) {
    filled.unleashTimeoutMs = Math.max(1000, values.edgeUpstreamRequestTimeoutSeconds * 1000);
  }
  if (!given.has('enableAllEndpoint') && values.edgeDisableAllEndpoint !== undefined) {
    filled.enableAllEndpoint = !values.edgeDisableAllEndpoint;
  }
  if (!given.has('httpRejectUnauthorized') && values.edgeSkipSslVerification !== undefined) {
    filled.httpRejectUnauthorized = !values.edgeSkipSslVerification;
  }
  if (!given.has('jsonLogger') && values.edgeLogFormat !== undefined) {
    filled.jsonLogger = values.edgeLogFormat === 'json';
  }
  return { ...values, ...filled };
}

/**
 * A configured backend token must say its environment, as Edge requires of TOKENS: the proxy
 * syncs one flag set per environment and must know which before Unleash answers. Problems
 * name the token's position, never its value.
 */
function checkScopeTokens(tokens: readonly string[], problems: string[]): void {
  tokens.forEach((token, index) => {
    const claim = readTokenClaim(token);
    if (claim.environment === undefined) {
      problems.push(
        `UNLEASH_API_TOKENS / TOKENS: token ${index + 1} is not of the form project:environment.secret`,
      );
    } else if (claim.environment === '*') {
      problems.push(
        `UNLEASH_API_TOKENS / TOKENS: token ${index + 1} is an admin token (*:*); use a backend token per environment`,
      );
    }
  });
}

/**
 * UNLEASH_BOOTSTRAP_FILES is read offline only, and then must cover every pretrusted token's
 * environment: a token left without flags would fail closed at every request instead of at boot.
 */
function checkEnvironmentFiles(
  values: ParsedOptions,
  mode: ProxyMode,
  trustedTokens: readonly TrustedToken[],
  problems: string[],
): void {
  if (values.bootstrapFiles.length === 0) return;
  if (mode !== 'offline') {
    problems.push('UNLEASH_BOOTSTRAP_FILES is set, but it is read with PROXY_MODE=offline only');
    return;
  }
  const covered = new Set(values.bootstrapFiles.map((file) => file.environment));
  const missing = [...new Set(trustedTokens.map((token) => token.environment))].filter(
    (environment) => !covered.has(environment),
  );
  if (missing.length > 0) {
    problems.push(
      `UNLEASH_BOOTSTRAP_FILES has no file for ${missing.map((e) => `"${e}"`).join(', ')}, the environment of a PRETRUSTED_TOKENS token`,
    );
  }
}

function readTrustedTokens(raw: readonly string[], problems: string[]): TrustedToken[] {
  const trusted: TrustedToken[] = [];
  raw.forEach((entry, index) => {
    const token = readPretrustedToken(entry);
    if (token === undefined) {
      problems.push(
        `PRETRUSTED_TOKENS: token ${index + 1} is neither project:environment.secret (one project or *) nor secret@environment`,
      );
    } else {
      trusted.push(Object.freeze(token));
    }
  });
  return trusted;
}
