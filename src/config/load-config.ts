import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ConfigError } from '../errors.js';
import { withEdgeNames } from './edge-names.js';
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
import { type ProxyMode, resolveMode } from './proxy-mode.js';
import {
  checkEnvironmentFiles,
  checkScopeTokens,
  readTrustedTokens,
  type TrustedToken,
} from './token-checks.js';

export type { ProxyMode } from './proxy-mode.js';
export type { TrustedToken } from './token-checks.js';

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
