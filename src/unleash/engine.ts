// The pieces of unleash-client's engine (and the libraries it evaluates with) that the compiled
// evaluator reuses, so that hashing, version comparison, address parsing and regular expressions
// behave exactly as in the SDK. Everything outside src/unleash/ takes them from here.
import { Address4, Address6 } from 'ip-address';
import { RE2JS } from 're2js';
import { SemVer } from 'semver';
import { defaultStrategies } from 'unleash-client/lib/strategy/index.js';
import {
  normalizedStrategyValue,
  normalizedVariantValue,
} from 'unleash-client/lib/strategy/util.js';

export { Address4, Address6, normalizedStrategyValue, normalizedVariantValue, RE2JS, SemVer };

/** The names of the strategies unleash-client evaluates itself; they take precedence over custom ones. */
export const builtInStrategyNames: ReadonlySet<string> = new Set(
  defaultStrategies.map((strategy) => strategy.name),
);

/** The host name `applicationHostname` compares with, as the SDK's own instance computed it. */
export function applicationHostname(): string {
  const strategy = defaultStrategies.find((s) => s.name === 'applicationHostname') as
    | { hostname?: unknown }
    | undefined;
  return typeof strategy?.hostname === 'string' ? strategy.hostname : '';
}

/** `semver.valid(v) && !v.startsWith('v')`, then parsed: what unleash-client compares. */
export function parseSdkSemver(version: string): SemVer | null {
  if (version.startsWith('v')) return null;
  try {
    return new SemVer(version);
  } catch {
    return null;
  }
}
