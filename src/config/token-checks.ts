import type { ParsedOptions } from './options.js';
import type { ProxyMode } from './proxy-mode.js';
import { readPretrustedToken, readTokenClaim } from './unleash-token.js';

export interface TrustedToken {
  readonly secret: string;
  readonly environment: string;
  readonly projects: readonly string[];
}

/**
 * A configured backend token must say its environment, as Edge requires of TOKENS: the proxy
 * syncs one flag set per environment and must know which before Unleash answers. Problems
 * name the token's position, never its value.
 */
export function checkScopeTokens(tokens: readonly string[], problems: string[]): void {
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
export function checkEnvironmentFiles(
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

export function readTrustedTokens(raw: readonly string[], problems: string[]): TrustedToken[] {
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
