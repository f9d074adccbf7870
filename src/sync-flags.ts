import type { ProxyConfig } from './config/load-config.js';
import { compileEvaluator } from './evaluation/compile/index.js';
import { LiveFlags } from './evaluation/live-flags.js';
import type { Logger } from './logger.js';
import { createFlagStore, type FlagStore } from './unleash/flag-store.js';
import type { ClientFeaturesResponse, Strategy } from './unleash/types.js';
import type { UpstreamTracer } from './unleash/upstream-tracer.js';

/** The flags kept in sync with Unleash (or the offline file), compiled on every update. */
export function syncFlags(
  config: ProxyConfig,
  logger: Logger,
  strategies: readonly Strategy[],
  offlineFlags: ClientFeaturesResponse | undefined,
  upstream: UpstreamTracer,
): { store: FlagStore; flags: LiveFlags } {
  const flags = new LiveFlags((snapshot) =>
    compileEvaluator(snapshot, { customStrategies: strategies }),
  );
  const store = createFlagStore({
    config,
    logger,
    strategies,
    upstream,
    ...(offlineFlags ? { offlineFlags } : {}),
  });
  store.onUpdate((snapshot) => flags.update(snapshot));
  return { store, flags };
}
