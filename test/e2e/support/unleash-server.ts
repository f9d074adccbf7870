import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { guardCleanup } from './cleanup-guard.js';
import { findFreePort, LOOPBACK } from './free-port.js';
import { testResultsDir, unleashServerPackageDir } from './paths.js';
import { waitFor } from './wait-for.js';

/** Unleash creates `development` and `production`; the client and frontend tokens are scoped to this one. */
export const UNLEASH_ENVIRONMENT = 'development';
export const UNLEASH_PROJECT = 'default';

const BOOT_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 10_000;
const START_ATTEMPTS = 3;

interface Tokens {
  admin: string;
  client: string;
  frontend: string;
}

export interface UnleashServer {
  /** Base URL without trailing slash, e.g. http://127.0.0.1:43123 */
  url: string;
  /** Admin token, all projects and environments: `*:*.<hex>` */
  adminToken: string;
  /** Backend (client) token for UNLEASH_ENVIRONMENT, all projects: `*:development.<hex>` */
  clientToken: string;
  /** Frontend token for UNLEASH_ENVIRONMENT, all projects, for comparing with Unleash's own /api/frontend. */
  frontendToken: string;
  environment: string;
  /** Where the server's stdout and stderr are written. */
  logFile: string;
  /** Sends SIGTERM (SIGKILL after 10 s) and waits for exit. Safe to call more than once. */
  stop(): Promise<void>;
}

export interface UnleashServerOptions {
  /** Unleash's LOG_LEVEL: debug, info, warn, error. Defaults to warn. */
  logLevel?: string;
}

const newSecret = (scope: string): string => `${scope}.${randomBytes(16).toString('hex')}`;

function serverEnvironment(
  databaseUrl: string,
  port: number,
  tokens: Tokens,
  logLevel: string,
): NodeJS.ProcessEnv {
  // Built from scratch rather than inherited: vitest sets NODE_ENV=test, which
  // switches Unleash into its own test behaviour.
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TZ: 'UTC', // unleash-server's own start script sets this
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    DATABASE_SSL: 'false',
    HTTP_HOST: LOOPBACK,
    HTTP_PORT: String(port),
    UNLEASH_URL: `http://${LOOPBACK}:${port}`,
    INIT_ADMIN_API_TOKENS: tokens.admin,
    INIT_BACKEND_API_TOKENS: tokens.client,
    INIT_FRONTEND_API_TOKENS: tokens.frontend,
    LOG_LEVEL: logLevel,
    // New flags may otherwise only use strategy variants; the proxy must serve
    // both kinds, so tests need to be able to create the legacy ones too.
    UNLEASH_EXPERIMENTAL_ENABLE_LEGACY_VARIANTS: 'true',
    // The machine (and CI) has no internet: no version check or telemetry calls.
    CHECK_VERSION: 'false',
    SEND_TELEMETRY: 'false',
  };
}

/** Unleash logs EADDRINUSE and exits 1 when its port was taken; only that is worth a retry. */
class PortTakenError extends Error {}

function bootFailure(child: ChildProcess, output: string, logFile: string): Error | undefined {
  if (output.includes('EADDRINUSE')) return new PortTakenError(`port taken; see ${logFile}`);
  if (child.exitCode === null && child.signalCode === null) return undefined;
  return new Error(
    `unleash-server exited early (code ${child.exitCode}, signal ${child.signalCode}); see ${logFile}`,
  );
}

/** Resolves when `url` answers 2xx; otherwise throws, so a timeout reports the last answer. */
async function isAccepted(url: string, token?: string): Promise<true> {
  const response = await fetch(url, token ? { headers: { Authorization: token } } : {});
  const body = await response.text();
  if (!response.ok) throw new Error(`GET ${url} -> ${response.status} ${body.slice(0, 200)}`);
  return true;
}

/**
 * Starts the unleash-server cached by `.ci/e2e-setup.sh` against `databaseUrl`
 * (an empty database is migrated on boot) and resolves once it answers /health
 * and accepts the generated admin and client tokens.
 */
export async function startUnleashServer(
  databaseUrl: string,
  { logLevel = 'warn' }: UnleashServerOptions = {},
): Promise<UnleashServer> {
  const entryPoint = join(unleashServerPackageDir, 'dist', 'server.js');
  if (!existsSync(entryPoint)) {
    throw new Error(`${entryPoint} is missing; run: bash .ci/e2e-setup.sh`);
  }
  const tokens: Tokens = {
    admin: newSecret('*:*'),
    client: newSecret(`*:${UNLEASH_ENVIRONMENT}`),
    frontend: newSecret(`*:${UNLEASH_ENVIRONMENT}`),
  };
  await mkdir(testResultsDir, { recursive: true });
  // The free port may be taken between probing and binding, hence the retries.
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort();
    const env = serverEnvironment(databaseUrl, port, tokens, logLevel);
    try {
      return await bootOnPort(entryPoint, env, port, tokens);
    } catch (error: unknown) {
      if (!(error instanceof PortTakenError) || attempt >= START_ATTEMPTS) throw error;
    }
  }
}

async function bootOnPort(
  entryPoint: string,
  env: NodeJS.ProcessEnv,
  port: number,
  tokens: Tokens,
): Promise<UnleashServer> {
  const url = `http://${LOOPBACK}:${port}`;
  const logFile = join(testResultsDir, `unleash-server-${port}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [entryPoint], {
    cwd: unleashServerPackageDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let recentOutput = '';
  const record = (chunk: Buffer): void => {
    log.write(chunk);
    recentOutput = (recentOutput + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If the test process dies without calling stop(), don't leave Unleash behind.
  const guard = guardCleanup({ killPids: child.pid === undefined ? [] : [child.pid] });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      await new Promise<void>((resolve) => log.end(resolve));
      guard.disarm();
    })();
    return stopping;
  };

  try {
    const abortWhen = (): Error | undefined => bootFailure(child, recentOutput, logFile);
    await waitFor('unleash-server /health', () => isAccepted(`${url}/health`), {
      timeoutMs: BOOT_TIMEOUT_MS,
      abortWhen,
    });
    // Init tokens are inserted during boot; wait until both kinds are honoured.
    await waitFor(
      'admin token',
      () => isAccepted(`${url}/api/admin/projects/${UNLEASH_PROJECT}/features`, tokens.admin),
      { timeoutMs: 30_000, abortWhen },
    );
    await waitFor('client token', () => isAccepted(`${url}/api/client/features`, tokens.client), {
      timeoutMs: 30_000,
      abortWhen,
    });
  } catch (error: unknown) {
    await stop();
    throw error;
  }

  return {
    url,
    adminToken: tokens.admin,
    clientToken: tokens.client,
    frontendToken: tokens.frontend,
    environment: UNLEASH_ENVIRONMENT,
    logFile,
    stop,
  };
}
