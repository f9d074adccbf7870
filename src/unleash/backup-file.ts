import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StorageProvider } from 'unleash-client/lib/repository/storage-provider.js';
import type { Logger } from '../logger.js';
import { ageInSeconds } from './sync-scope.js';
import type { ClientFeaturesResponse } from './types.js';

export interface BackupFileSettings {
  folder: string;
  appName: string;
  /** syncScopeDigest: the Unleash, token and filters the flags were fetched for. */
  scope: string;
  /** The Unleash URL without credentials, for the log line. */
  upstream: string;
  logger: Logger;
}

interface BackupContent {
  scope: string;
  writtenAt: string;
  flags: ClientFeaturesResponse;
}

function isBackupContent(value: unknown): value is BackupContent {
  if (typeof value !== 'object' || value === null) return false;
  const content = value as Record<string, unknown>;
  return (
    typeof content.scope === 'string' &&
    typeof content.writtenAt === 'string' &&
    typeof content.flags === 'object' &&
    content.flags !== null
  );
}

/**
 * The flag backup in a folder, one file per scope (Unleash URL, token, app name, filters):
 * unleash-client's own file provider names the file after the app name alone, so a proxy
 * whose token Unleash refuses would start ready on flags fetched with another token. The file
 * also records its scope and when it was written; a file of another scope is never served.
 */
export class BackupFile implements StorageProvider<ClientFeaturesResponse> {
  readonly path: string;

  constructor(private readonly settings: BackupFileSettings) {
    const app = settings.appName.replace(/[^\w.-]/g, '_');
    this.path = join(settings.folder, `unleash-backup-${app}-${settings.scope}.json`);
  }

  /** Written to a temporary file first: a crash mid-write never leaves half a backup. */
  async set(_key: string, flags: ClientFeaturesResponse): Promise<void> {
    const content: BackupContent = {
      scope: this.settings.scope,
      writtenAt: new Date().toISOString(),
      flags,
    };
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(content));
    await rename(temporary, this.path);
  }

  async get(_key: string): Promise<ClientFeaturesResponse | undefined> {
    const { logger, scope, upstream } = this.settings;
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        logger.info({ backup: this.path, upstream }, 'no flag backup for this Unleash and token');
        return undefined;
      }
      throw error;
    }
    let content: unknown;
    try {
      content = JSON.parse(text);
    } catch {
      logger.warn({ backup: this.path }, 'ignored a flag backup that is not JSON');
      return undefined;
    }
    if (!isBackupContent(content) || content.scope !== scope) {
      logger.warn(
        { backup: this.path },
        'ignored a flag backup written for another Unleash or token',
      );
      return undefined;
    }
    const writtenAt = new Date(content.writtenAt);
    logger.info(
      { backup: this.path, upstream, writtenAt: content.writtenAt },
      `loaded the flag backup ${this.path} for ${upstream}, written ${ageInSeconds(writtenAt)} s ago`,
    );
    return content.flags;
  }
}
