import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EnvironmentFile } from '../config/parsers.js';
import { ConfigError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { findPayloadProblem } from './payload-validation.js';
import type { ClientFeaturesResponse, FeatureInterface, Segment } from './types.js';

export function bundledFlagsPath(): string {
  return join(packageRoot(), 'examples', 'flags.json');
}

function isFeature(value: unknown): value is FeatureInterface {
  if (typeof value !== 'object' || value === null) return false;
  const feature = value as Record<string, unknown>;
  return (
    typeof feature.name === 'string' &&
    typeof feature.enabled === 'boolean' &&
    (feature.strategies === undefined || Array.isArray(feature.strategies))
  );
}

function isSegment(value: unknown): value is Segment {
  if (typeof value !== 'object' || value === null) return false;
  const segment = value as Record<string, unknown>;
  return typeof segment.id === 'number' && Array.isArray(segment.constraints);
}

/**
 * Reads the flags served in offline mode: a file in the format of Unleash's client API
 * (`{ features, segments? }`), checked at boot so that a bad file stops the start.
 */
export function readOfflineFlags(
  path: string | undefined,
  variable = 'UNLEASH_BOOTSTRAP_FILE',
): ClientFeaturesResponse {
  const file = resolve(path ?? bundledFlagsPath());
  const where = path === undefined ? file : `${variable} ${file}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError([`${where}: cannot read flags: ${reason}`]);
  }
  const body = parsed as { features?: unknown; segments?: unknown; version?: unknown };
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray(body.features)) {
    throw new ConfigError([`${where}: expected an object with a "features" array`]);
  }
  const badFeature = body.features.findIndex((feature) => !isFeature(feature));
  if (badFeature >= 0) {
    throw new ConfigError([`${where}: features[${badFeature}] needs a name and an enabled flag`]);
  }
  const segments = body.segments ?? [];
  if (!Array.isArray(segments) || !segments.every(isSegment)) {
    throw new ConfigError([`${where}: "segments" must be a list of {id, constraints}`]);
  }
  return {
    version: typeof body.version === 'number' ? body.version : 2,
    features: body.features as FeatureInterface[],
    segments,
  };
}

/** UNLEASH_BOOTSTRAP_FILES, read and checked at boot: each environment's flags. */
export function readEnvironmentFlags(
  files: readonly EnvironmentFile[],
): ReadonlyMap<string, ClientFeaturesResponse> {
  return new Map(
    files.map(({ environment, path }) => {
      const where = `UNLEASH_BOOTSTRAP_FILES (${environment})`;
      const flags = readOfflineFlags(path, where);
      // These flags go to evaluation without the sync's checks: a shape that would throw on
      // every request stops the start instead.
      const problem = findPayloadProblem(flags);
      if (problem !== undefined) throw new ConfigError([`${where} ${resolve(path)}: ${problem}`]);
      return [environment, flags];
    }),
  );
}
