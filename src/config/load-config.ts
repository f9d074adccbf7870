import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ConfigError } from '../errors.js';
import { OPTIONS, type OptionName, type OptionSpec, type ParsedOptions } from './options.js';
import { ParseError } from './parsers.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** Options given in code: the same names as in OPTIONS, plus the original proxy's nested forms. */
export type ProxyOptions = { readonly [K in OptionName]?: unknown } & {
  readonly cors?: Readonly<Record<string, unknown>>;
  readonly httpOptions?: { readonly rejectUnauthorized?: unknown };
  readonly bootstrap?: { readonly url?: unknown; readonly urlHeaders?: Record<string, unknown> };
  readonly expServerSideSdkConfig?: { readonly tokens?: unknown };
};

export type ProxyConfig = ParsedOptions & {
  /** online: synced from UNLEASH_URL; offline: served from a bootstrap file. */
  readonly mode: 'online' | 'offline';
  readonly unleashInstanceId: string;
  /** Client keys and legacy proxy secrets together. */
  readonly allClientKeys: readonly string[];
};

const NESTED_CORS: Readonly<Record<string, OptionName>> = {
  origin: 'corsOrigin',
  methods: 'corsMethods',
  allowedHeaders: 'corsAllowedHeaders',
  exposedHeaders: 'corsExposedHeaders',
  credentials: 'corsCredentials',
  maxAge: 'corsMaxAge',
  preflightContinue: 'corsPreflightContinue',
  optionsSuccessStatus: 'corsOptionsSuccessStatus',
};

/** Folds the original proxy's nested option objects into the flat names of OPTIONS. */
function flattenOptions(options: ProxyOptions): Partial<Record<OptionName, unknown>> {
  const flat: Partial<Record<OptionName, unknown>> = {};
  for (const name of Object.keys(OPTIONS) as OptionName[]) {
    if (options[name] !== undefined) flat[name] = options[name];
  }
  for (const [key, value] of Object.entries(options.cors ?? {})) {
    const name = NESTED_CORS[key];
    if (name !== undefined && value !== undefined && flat[name] === undefined) flat[name] = value;
  }
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
  const parsed: Record<string, unknown> = {};
  // A rejected option keeps its default, so the checks below still run on well-typed values
  // and every problem is reported together instead of a TypeError about the first one.
  const rejected = new Set<OptionName>();

  for (const [name, spec] of Object.entries(OPTIONS) as [OptionName, OptionSpec<unknown>][]) {
    const codeValue = fromCode[name];
    if (codeValue !== undefined) {
      try {
        parsed[name] = spec.parser.fromCode(codeValue);
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
      } catch (error) {
        problems.push(`${envName}=${describe(spec, raw)}: ${reason(error)}`);
        rejected.add(name);
        parsed[name] = spec.default;
      }
      continue;
    }
    parsed[name] = spec.default;
  }

  const values = parsed as ParsedOptions;
  const allClientKeys = [...new Set([...values.clientKeys, ...values.proxySecrets])];
  const mode = values.unleashUrl === undefined ? 'offline' : 'online';
  const keysRejected = rejected.has('clientKeys') || rejected.has('proxySecrets');
  if (mode === 'online') {
    if (values.unleashApiToken === undefined && !rejected.has('unleashApiToken')) {
      problems.push('UNLEASH_API_TOKEN is required when UNLEASH_URL is set');
    }
    if (allClientKeys.length === 0 && !keysRejected) {
      problems.push('UNLEASH_PROXY_CLIENT_KEYS is required when UNLEASH_URL is set');
    }
  } else if (values.bootstrapFile !== undefined && allClientKeys.length === 0) {
    // Only the bundled example flags may be served with the public demo key.
    problems.push('UNLEASH_PROXY_CLIENT_KEYS is required when UNLEASH_BOOTSTRAP_FILE is set');
  }

  if (problems.length > 0) throw new ConfigError(problems);

  return Object.freeze({
    ...values,
    mode,
    allClientKeys,
    unleashInstanceId:
      values.unleashInstanceId ??
      `${values.unleashAppName}-${hostname()}-${randomBytes(4).toString('hex')}`,
  });
}

function reason(error: unknown): string {
  return error instanceof ParseError ? error.message : String(error);
}
