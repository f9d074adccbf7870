import { createHash } from 'node:crypto';
import type { ProxyConfig } from '../config/load-config.js';

/**
 * What a set of flags fetched from Unleash belongs to: the Unleash, the token, the app name
 * and the filters. Backups (a file or the fleet's Redis keys) carry this digest, so that a
 * proxy never starts on flags fetched for another Unleash or another token. The token is
 * only ever present as part of the digest.
 */
export function syncScopeDigest(config: ProxyConfig): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        config.unleashUrl,
        config.unleashApiToken,
        config.unleashAppName,
        config.projectName,
        config.namePrefix,
        config.tags,
        config.environment,
      ]),
    )
    .digest('hex')
    .slice(0, 16);
}

/** The Unleash URL as logs may show it: no user, password, query or fragment. */
export function upstreamForLogs(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** Whole seconds since `at`, for log lines that say how old a backup is. */
export function ageInSeconds(at: Date, now = Date.now()): number {
  return Math.max(0, Math.round((now - at.getTime()) / 1000));
}
