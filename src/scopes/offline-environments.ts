import { type EvaluatorFactory, LiveFlags } from '../evaluation/live-flags.js';
import { createSnapshot } from '../unleash/snapshot.js';
import type { ClientFeaturesResponse } from '../unleash/types.js';

/** Offline with UNLEASH_BOOTSTRAP_FILES: each environment's flags, compiled once at boot. */
export function offlineEnvironments(
  files: ReadonlyMap<string, ClientFeaturesResponse> | undefined,
  buildEvaluator: EvaluatorFactory,
): Map<string, LiveFlags> {
  const environments = new Map<string, LiveFlags>();
  for (const [environment, file] of files ?? []) {
    const flags = new LiveFlags(buildEvaluator);
    flags.update(createSnapshot(file.version, file.features, file.segments ?? []));
    environments.set(environment, flags);
  }
  return environments;
}
