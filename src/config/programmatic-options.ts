import { OPTIONS } from './options.js';
import { httpUrl, ParseError } from './parsers.js';

/**
 * The options only a program can give (objects and functions), under the original Unleash
 * Proxy's names, and the check that every option name given in code is one the proxy knows.
 * Each value is checked here, once, at boot; the modules using them get well-typed values.
 */

const LOG_METHODS = ['debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogMethod = (typeof LOG_METHODS)[number];

/** The original proxy's Logger: one method per level, each with a message and more values. */
export type OriginalLogger = Readonly<
  Record<LogMethod, (message: unknown, ...args: unknown[]) => void>
>;

/** unleash-client's StorageProvider: where the last good flags are kept (the backup). */
export interface FlagStorageProvider {
  set(key: string, data: unknown): Promise<void>;
  get(key: string): Promise<unknown>;
}

/** `httpOptions.agent`: the agent of each request to Unleash, as unleash-client takes it. */
export type AgentFactory = (url: URL) => unknown;

/** unleash-client's BootstrapOptions: flags to start from before Unleash answers. */
export interface BootstrapSource {
  readonly url?: string;
  readonly urlHeaders?: Readonly<Record<string, string>>;
  readonly filePath?: string;
  readonly data?: readonly unknown[];
  readonly segments?: readonly unknown[];
  readonly bootstrapProvider?: { readBootstrap(): Promise<unknown> };
}

/**
 * The original's `clientMode`: `singleton` (its default) shares one unleash-client in the
 * process, `new` gives each app its own. Every app here has its own, so `singleton` is
 * honoured by refusing a second app while one runs instead of sharing (see flag-store.ts).
 */
export type ClientMode = 'singleton' | 'new';

export interface ProgrammaticOptions {
  readonly logger?: OriginalLogger;
  readonly storageProvider?: FlagStorageProvider;
  readonly httpAgent?: AgentFactory;
  readonly expBootstrap?: BootstrapSource;
  readonly clientMode?: ClientMode;
}

/** The original's nested `cors` fields and the flat options they set. */
export const NESTED_CORS = {
  origin: 'corsOrigin',
  methods: 'corsMethods',
  allowedHeaders: 'corsAllowedHeaders',
  exposedHeaders: 'corsExposedHeaders',
  credentials: 'corsCredentials',
  maxAge: 'corsMaxAge',
  preflightContinue: 'corsPreflightContinue',
  optionsSuccessStatus: 'corsOptionsSuccessStatus',
} as const;

/** Option objects and the fields each may hold. */
const NESTED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  cors: Object.keys(NESTED_CORS),
  httpOptions: ['rejectUnauthorized', 'agent'],
  bootstrap: ['url', 'urlHeaders'],
  expServerSideSdkConfig: ['tokens'],
};

/** Names read by the app rather than by the option table (createApp's own options). */
const APP_OPTIONS = [
  'customStrategies',
  'customEnrichers',
  'expCustomEnrichers',
  'logDestination',
  'preHook',
];

const PROGRAMMATIC = ['logger', 'useJsonLogger', 'storageProvider', 'expBootstrap', 'clientMode'];

const KNOWN_NAMES: readonly string[] = [
  ...Object.keys(OPTIONS),
  ...Object.keys(NESTED_FIELDS),
  ...APP_OPTIONS,
  ...PROGRAMMATIC,
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The closest known name when a given one looks like a typo of it. */
function suggestion(name: string, known: readonly string[]): string {
  const lower = name.toLowerCase();
  const close = known.find(
    (candidate) => candidate.toLowerCase() === lower || editDistance(candidate, name) <= 2,
  );
  return close === undefined ? '' : ` (did you mean ${close}?)`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Every option name, and every field of the nested option objects, the proxy does not know. */
function unknownNames(options: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(options)) {
    if (!KNOWN_NAMES.includes(name)) {
      problems.push(`option ${name}: not an option of the proxy${suggestion(name, KNOWN_NAMES)}`);
      continue;
    }
    const fields = NESTED_FIELDS[name];
    if (fields === undefined || value === undefined) continue;
    if (!isRecord(value)) {
      problems.push(`option ${name}: expected an object`);
      continue;
    }
    for (const field of Object.keys(value).filter((key) => !fields.includes(key))) {
      problems.push(
        `option ${name}.${field}: not a field of ${name}${suggestion(field, fields)}; known: ${fields.join(', ')}`,
      );
    }
  }
  return problems;
}

function missingMethods(value: unknown, names: readonly string[]): string[] {
  if (typeof value !== 'object' || value === null) return [...names];
  return names.filter((name) => typeof Reflect.get(value, name) !== 'function');
}

function readLogger(value: unknown): OriginalLogger {
  const missing = missingMethods(value, LOG_METHODS);
  if (missing.length > 0) {
    throw new ParseError(
      `expected an object with the methods ${LOG_METHODS.join(', ')} (missing: ${missing.join(', ')})`,
    );
  }
  return value as OriginalLogger;
}

function readStorageProvider(value: unknown): FlagStorageProvider {
  const missing = missingMethods(value, ['set', 'get']);
  if (missing.length > 0) {
    throw new ParseError(
      `expected an object with async set(key, data) and get(key) (missing: ${missing.join(', ')})`,
    );
  }
  return value as FlagStorageProvider;
}

const BOOTSTRAP_FIELDS = ['url', 'urlHeaders', 'filePath', 'data', 'segments', 'bootstrapProvider'];

function readBootstrap(value: unknown): BootstrapSource {
  if (!isRecord(value)) throw new ParseError('expected an object');
  const extra = Object.keys(value).filter((key) => !BOOTSTRAP_FIELDS.includes(key));
  if (extra.length > 0) {
    throw new ParseError(
      `unknown field ${extra.join(', ')}${suggestion(extra[0] ?? '', BOOTSTRAP_FIELDS)}; known: ${BOOTSTRAP_FIELDS.join(', ')}`,
    );
  }
  const { url, urlHeaders, filePath, data, segments, bootstrapProvider } = value;
  if (url !== undefined) httpUrl.fromCode(url);
  const headersOk =
    urlHeaders === undefined ||
    (isRecord(urlHeaders) &&
      Object.values(urlHeaders).every((header) => typeof header === 'string'));
  if (!headersOk) throw new ParseError('urlHeaders: expected an object of strings');
  if (filePath !== undefined && typeof filePath !== 'string') {
    throw new ParseError('filePath: expected a string');
  }
  if (data !== undefined && !Array.isArray(data)) throw new ParseError('data: expected a list');
  if (segments !== undefined && !Array.isArray(segments)) {
    throw new ParseError('segments: expected a list');
  }
  if (
    bootstrapProvider !== undefined &&
    missingMethods(bootstrapProvider, ['readBootstrap']).length > 0
  ) {
    throw new ParseError('bootstrapProvider: expected an object with readBootstrap()');
  }
  if ([url, filePath, data, bootstrapProvider].every((source) => source === undefined)) {
    throw new ParseError('expected one of url, filePath, data or bootstrapProvider');
  }
  return value as BootstrapSource;
}

function readAgent(value: unknown): AgentFactory {
  if (typeof value !== 'function') throw new ParseError('expected a function (url) => http.Agent');
  return value as AgentFactory;
}

function readClientMode(value: unknown): ClientMode {
  if (value === 'singleton' || value === 'new') return value;
  throw new ParseError('expected "singleton" or "new"');
}

function readFunction(value: unknown): unknown {
  if (typeof value !== 'function') throw new ParseError('expected a function');
  return value;
}

/**
 * Checks the names and the programmatic values of the options given in code, adding every
 * problem to `problems`; returns the values that passed.
 */
export function readProgrammaticOptions(
  options: Readonly<Record<string, unknown>>,
  problems: string[],
): ProgrammaticOptions {
  problems.push(...unknownNames(options));
  const read = <T>(name: string, value: unknown, parse: (value: unknown) => T): T | undefined => {
    if (value === undefined) return undefined;
    try {
      return parse(value);
    } catch (error) {
      problems.push(`option ${name}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  };
  const httpOptions = isRecord(options.httpOptions) ? options.httpOptions : {};
  read('preHook', options.preHook, readFunction);
  const values = {
    logger: read('logger', options.logger, readLogger),
    storageProvider: read('storageProvider', options.storageProvider, readStorageProvider),
    httpAgent: read('httpOptions.agent', httpOptions.agent, readAgent),
    expBootstrap: read('expBootstrap', options.expBootstrap, readBootstrap),
    clientMode: read('clientMode', options.clientMode, readClientMode),
  };
  if (values.logger !== undefined && options.logDestination !== undefined) {
    problems.push('option logger: give either logger or logDestination, not both');
  }
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined),
  ) as ProgrammaticOptions;
}

/** Programmatic options that another setting rules out. */
export function programmaticConflicts(
  programmatic: ProgrammaticOptions,
  settings: {
    readonly mode: 'online' | 'offline' | 'demo';
    readonly redisUrl?: string | undefined;
    readonly backupPath?: string | undefined;
  },
): string[] {
  const problems: string[] = [];
  if (programmatic.storageProvider !== undefined && settings.redisUrl !== undefined) {
    problems.push(
      'option storageProvider: cannot be combined with REDIS_URL (a fleet keeps its backup in Redis)',
    );
  }
  if (programmatic.storageProvider !== undefined && settings.backupPath !== undefined) {
    problems.push(
      'option storageProvider: cannot be combined with UNLEASH_BACKUP_PATH (the backup goes to the storage provider)',
    );
  }
  if (programmatic.storageProvider !== undefined && settings.mode !== 'online') {
    problems.push(
      'option storageProvider: needs UNLEASH_URL (without it, there is nothing to back up)',
    );
  }
  if (programmatic.expBootstrap !== undefined && settings.mode !== 'online') {
    problems.push(
      'option expBootstrap: needs UNLEASH_URL (without it, the proxy serves a flag file or the demo flags)',
    );
  }
  return problems;
}
