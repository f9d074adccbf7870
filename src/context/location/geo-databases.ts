import { type FSWatcher, readFileSync, type Stats, statSync, watch } from 'node:fs';
import { isIP } from 'node:net';
import { basename, dirname, resolve } from 'node:path';
import { Reader, type Response } from 'maxmind';
import { ConfigError } from '../../errors.js';
import { describeError, type Logger } from '../../logger.js';
import { type Location, readLocationRecord } from './location-record.js';

/** Writers replace a file in several steps; look once they have been quiet this long. */
const SETTLE_MS = 100;

interface LoadedDatabase {
  readonly path: string;
  readonly reader: Reader<Response>;
  /** An IPv4-only file answers garbage for an IPv6 address, so it is not asked. */
  readonly ipv4Only: boolean;
  /** Which file was read: a replaced or rewritten file differs in one of these. */
  readonly version: string;
}

function versionOf(stats: Stats): string {
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}

/** Reads and parses one database file; throws an Error saying what is wrong with it. */
function readDatabase(path: string): LoadedDatabase {
  const stats = statSync(path);
  if (!stats.isFile()) throw new Error('not a file');
  const reader = new Reader<Response>(readFileSync(path));
  return { path, reader, ipv4Only: reader.metadata.ipVersion === 4, version: versionOf(stats) };
}

function reasonOf(error: unknown): string {
  if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return 'no such file';
  const message = error instanceof Error ? error.message : String(error);
  return `not a MaxMind-format database (${message})`;
}

export interface GeoDatabasesSettings {
  /** Absolute, or relative to `cwd`. */
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly logger: Logger;
}

/**
 * The location databases of PROXY_GEOIP_DATABASE, read at boot and read again when a file
 * changes on disk. A lookup asks each file in order; the first that knows a property gives
 * it (a City file, then an ASN file). A replacement is parsed completely before it is
 * swapped in, between two requests, so that no request sees a half-read file; one that does
 * not parse is logged and the previous one stays in use.
 */
export class GeoDatabases {
  private databases: LoadedDatabase[];
  private readonly reloadListeners: (() => void)[] = [];
  private readonly watchers: FSWatcher[] = [];
  private settleTimer: NodeJS.Timeout | undefined;
  private readonly logger: Logger;

  /** Throws a ConfigError naming every file that cannot be read. */
  constructor({ paths, cwd, logger }: GeoDatabasesSettings) {
    this.logger = logger;
    const problems: string[] = [];
    this.databases = paths.flatMap((path) => {
      const absolute = resolve(cwd, path);
      try {
        return [readDatabase(absolute)];
      } catch (error) {
        problems.push(`PROXY_GEOIP_DATABASE: ${absolute}: ${reasonOf(error)}`);
        return [];
      }
    });
    if (problems.length > 0) throw new ConfigError(problems);
  }

  /** The location of an address; empty when no file knows it or it is not an IP address. */
  lookup(address: string): Location {
    const family = isIP(address);
    if (family === 0) return {};
    const location: Location = {};
    for (const database of this.databases) {
      if (family === 6 && database.ipv4Only) continue;
      const found = readLocationRecord(database.reader.get(address));
      for (const [name, value] of Object.entries(found) as [keyof Location, string][]) {
        location[name] ??= value;
      }
    }
    return location;
  }

  /**
   * Watches the folders of the files (a file replaced by rename, or a Kubernetes ConfigMap
   * whose symlink moves, is not seen by a watch on the file itself).
   */
  watch(): void {
    const folders = new Set(this.databases.map((database) => dirname(database.path)));
    for (const folder of folders) {
      try {
        const watcher = watch(folder, { persistent: false }, () => this.scheduleCheck());
        watcher.on('error', (error) =>
          this.logger.warn(
            { error: describeError(error), folder },
            'cannot watch the location database folder',
          ),
        );
        this.watchers.push(watcher);
      } catch (error) {
        this.logger.warn(
          { error: describeError(error), folder },
          'cannot watch the location database folder',
        );
      }
    }
  }

  private scheduleCheck(): void {
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => this.reloadChanged(), SETTLE_MS);
    this.settleTimer.unref();
  }

  /** Reads again each file whose inode, size or modification time changed. */
  private reloadChanged(): void {
    let changed = false;
    const next = this.databases.map((database) => {
      let version: string;
      try {
        version = versionOf(statSync(database.path));
      } catch {
        return database; // being replaced: the next event brings it back
      }
      if (version === database.version) return database;
      try {
        const reloaded = readDatabase(database.path);
        changed = true;
        this.logger.info(
          { file: basename(database.path), type: reloaded.reader.metadata.databaseType },
          'location database reloaded',
        );
        return reloaded;
      } catch (error) {
        this.logger.warn(
          { file: basename(database.path), error: describeError(error) },
          'location database changed but cannot be read; the previous one stays in use',
        );
        return database;
      }
    });
    if (!changed) return;
    this.databases = next;
    for (const listener of this.reloadListeners) listener();
  }

  /** Called after a file was read again, so that what was derived from the old one is dropped. */
  onReload(listener: () => void): void {
    this.reloadListeners.push(listener);
  }

  close(): void {
    clearTimeout(this.settleTimer);
    for (const watcher of this.watchers) watcher.close();
    this.watchers.length = 0;
  }
}
