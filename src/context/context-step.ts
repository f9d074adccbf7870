import type { ProxyConfig } from '../config/load-config.js';
import type { EvaluationContext } from '../evaluation/types.js';
import type { ProxyContext } from '../http/state.js';
import type { Logger } from '../logger.js';
import { finalizeContext, type RequestedContext } from './build-context.js';
import { createDerivedContext, type DeriveContext } from './derived-context.js';
import type { Enrichment } from './enrich-context.js';
import { GeoDatabases } from './location/geo-databases.js';

/** The context step every evaluation route shares, whatever its dialect. */
export interface ContextStep {
  /** Defaults, then location and device, then the user's enrichers. */
  prepare(
    requested: RequestedContext,
    ctx: ProxyContext,
  ): Promise<EvaluationContext> | EvaluationContext;
  /** Whether the proxy adds properties of its own (location or device). */
  readonly derives: boolean;
  /**
   * Whether `prepare` reads nothing of the request but the requested context and the client
   * IP (no location, device or custom enrichers): equal ones then prepare equal contexts.
   */
  readonly readsOnlyClientIp: boolean;
  /** Stops watching the location databases. */
  close(): void;
}

export interface ContextStepSettings {
  readonly config: ProxyConfig;
  readonly logger: Logger;
  /** The user's enrichers (createEnrichment). */
  readonly enrich: Enrichment;
  /** Where relative PROXY_GEOIP_DATABASE paths start. */
  readonly cwd?: string;
}

/**
 * Builds the context step. The location databases are read here, so that a missing or broken
 * file is a ConfigError at boot, before anything listens.
 */
export function createContextStep({
  config,
  logger,
  enrich,
  cwd = process.cwd(),
}: ContextStepSettings): ContextStep {
  const location =
    config.geoipDatabases.length > 0
      ? new GeoDatabases({ paths: config.geoipDatabases, cwd, logger })
      : undefined;
  location?.watch();
  const derive: DeriveContext | undefined = createDerivedContext({
    location,
    device: config.deviceContext,
    prefix: config.derivedPropertyPrefix,
    names: config.derivedPropertyNames,
    precedence: config.derivedPropertyPrecedence,
  });
  const defaults = { appName: config.unleashAppName, environmentOverride: config.environment };
  return {
    derives: derive !== undefined,
    readsOnlyClientIp: derive === undefined && !enrich.enriches,
    prepare(requested, ctx) {
      const context = finalizeContext(requested, { ...defaults, clientIp: ctx.state.clientIp });
      return enrich(
        derive ? derive(context, { clientIp: ctx.state.clientIp, headers: ctx.headers }) : context,
        ctx,
      );
    },
    close() {
      location?.close();
    },
  };
}
