import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guardCleanup } from './cleanup-guard.js';
import { findFreePort, LOOPBACK } from './free-port.js';
import { type RunAs, runCommand } from './run-command.js';

/** Debian 12 ships PostgreSQL 15; override for other layouts. */
const pgBinDir = process.env.E2E_PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';
const pgBin = (name: string): string => join(pgBinDir, name);

const DATABASE = 'unleash';
const DATABASE_USER = 'unleash';
const START_ATTEMPTS = 3;

export interface PostgresInstance {
  /** postgres://unleash:<password>@127.0.0.1:<port>/unleash */
  url: string;
  port: number;
  /** Stops the server and deletes its data directory. Safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * PostgreSQL refuses to run as root, so when the tests run as root the
 * cluster is owned by and run as the `postgres` user that the Debian package creates.
 */
async function postgresUserIfRoot(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = await readFile('/etc/passwd', 'utf8');
  const entry = passwd.split('\n').find((line) => line.startsWith('postgres:'));
  const [, , uid, gid] = entry?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error('Running as root but there is no `postgres` user; run .ci/e2e-setup.sh');
  }
  return { uid: Number(uid), gid: Number(gid) };
}

function clusterSettings(port: number): string {
  // No unix socket: everything goes over 127.0.0.1, and we never collide with
  // a system cluster's socket in /var/run/postgresql. Durability is pointless
  // for a throwaway cluster, so trade it for speed.
  return [
    '',
    '# added by test/e2e/support/postgres.ts',
    `listen_addresses = '${LOOPBACK}'`,
    `port = ${port}`,
    "unix_socket_directories = ''",
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    '',
  ].join('\n');
}

export async function startPostgres(): Promise<PostgresInstance> {
  const runAs = await postgresUserIfRoot();
  const baseDir = await mkdtemp(join(tmpdir(), 'unleash-koa-proxy-pg-'));
  const dataDir = join(baseDir, 'data');
  const superuserPassword = randomBytes(12).toString('hex');
  const userPassword = randomBytes(12).toString('hex');
  // Asking the data directory rather than a flag also covers a start that timed out half-way.
  const isRunning = (): boolean => existsSync(join(dataDir, 'postmaster.pid'));

  // pg_ctl daemonizes the server, so it would outlive a test process that dies without stop().
  const guard = guardCleanup({
    commands: [
      {
        file: pgBin('pg_ctl'),
        args: ['stop', '-D', dataDir, '-m', 'immediate'],
        cwd: tmpdir(),
        ...(runAs ?? {}),
      },
    ],
    removePaths: [baseDir],
  });

  const stop = async (): Promise<void> => {
    if (isRunning()) {
      await runCommand(pgBin('pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '30'], {
        runAs,
        cwd: tmpdir(),
      });
    }
    await rm(baseDir, { recursive: true, force: true });
    guard.disarm();
  };

  try {
    const passwordFile = join(baseDir, 'superuser-password');
    await writeFile(passwordFile, superuserPassword, { mode: 0o600 });
    if (runAs) {
      await chown(baseDir, runAs.uid, runAs.gid);
      await chown(passwordFile, runAs.uid, runAs.gid);
    }
    // The postgres user may not be able to enter our cwd; initdb and pg_ctl complain if so.
    const asOwner = { runAs, cwd: baseDir };
    await runCommand(
      pgBin('initdb'),
      [
        '-D',
        dataDir,
        '-U',
        'postgres',
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
      ],
      asOwner,
    );

    const port = await startOnFreePort(dataDir, join(baseDir, 'postgres.log'), asOwner);

    // psql is only a client, so it can run as whoever we are.
    await runCommand(
      pgBin('psql'),
      [
        '-X',
        '-v',
        'ON_ERROR_STOP=1',
        '-h',
        LOOPBACK,
        '-p',
        String(port),
        '-U',
        'postgres',
        '-d',
        'postgres',
        '-c',
        `CREATE ROLE ${DATABASE_USER} LOGIN PASSWORD '${userPassword}'`,
        '-c',
        `CREATE DATABASE ${DATABASE} OWNER ${DATABASE_USER}`,
      ],
      { env: { ...process.env, PGPASSWORD: superuserPassword } },
    );

    return {
      url: `postgres://${DATABASE_USER}:${userPassword}@${LOOPBACK}:${port}/${DATABASE}`,
      port,
      stop,
    };
  } catch (error: unknown) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/** The free port may be taken between probing and binding, hence the retries. */
async function startOnFreePort(
  dataDir: string,
  logFile: string,
  asOwner: { runAs: RunAs | undefined; cwd: string },
): Promise<number> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const port = await findFreePort();
    // Later settings win in postgresql.conf, so appending again on retry is fine.
    await appendFile(join(dataDir, 'postgresql.conf'), clusterSettings(port));
    try {
      await runCommand(
        pgBin('pg_ctl'),
        ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60'],
        asOwner,
      );
      return port;
    } catch (error: unknown) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      lastError = new Error(`${error instanceof Error ? error.message : String(error)}\n${log}`);
    }
  }
  throw lastError;
}
