import { EnricherFailedError } from '../errors.js';
import type { EvaluationContext } from '../evaluation/types.js';
import type { ProxyContext } from '../http/state.js';
import { describeError } from '../logger.js';
import type { ThrottledLog } from '../plugins/throttled-log.js';
import type { ContextEnricher, RequestView } from '../plugins/types.js';

export interface EnrichmentSettings {
  enrichers: readonly ContextEnricher[];
  /** Left out of the request view, so that no enricher sees the client key. */
  clientKeyHeader: string;
  /** UNLEASH_ENVIRONMENT holds for every request, whatever an enricher returns. */
  environmentOverride: string | undefined;
  log: ThrottledLog;
}

export interface Enrichment {
  (context: EvaluationContext, ctx: ProxyContext): EvaluationContext | Promise<EvaluationContext>;
  /** False when there are no enrichers: the context is returned as it came. */
  readonly enriches: boolean;
}

const STRING_FIELDS = ['userId', 'sessionId', 'remoteAddress', 'environment', 'appName'] as const;

export function requestView(ctx: ProxyContext, clientKeyHeader: string): RequestView {
  const headers = Object.fromEntries(
    Object.entries(ctx.headers).flatMap(([name, value]) =>
      value === undefined || name === clientKeyHeader
        ? []
        : [[name, Array.isArray(value) ? Object.freeze([...value]) : value]],
    ),
  ) as Record<string, string | readonly string[]>;
  return Object.freeze({
    method: ctx.method,
    path: ctx.path,
    headers: Object.freeze(headers),
    clientIp: ctx.state.clientIp,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks what an enricher returned; throws an Error saying what is wrong with it. */
export function checkEnrichedContext(value: unknown): EvaluationContext {
  if (!isRecord(value)) {
    throw new TypeError(`returned ${value === null ? 'null' : typeof value}, not a context object`);
  }
  const properties: Record<string, string> = {};
  const rawProperties = value.properties ?? {};
  if (!isRecord(rawProperties)) throw new TypeError('returned "properties" that is not an object');
  for (const [name, property] of Object.entries(rawProperties)) {
    if (property === undefined || property === null) continue;
    if (typeof property === 'string') properties[name] = property;
    else if (typeof property === 'number' || typeof property === 'boolean') {
      properties[name] = String(property);
    } else throw new TypeError(`returned properties.${name} that is not a string`);
  }
  const context: EvaluationContext = { properties };
  for (const field of STRING_FIELDS) {
    const fieldValue = value[field];
    if (fieldValue === undefined || fieldValue === null) continue;
    if (typeof fieldValue !== 'string')
      throw new TypeError(`returned ${field} that is not a string`);
    context[field] = fieldValue;
  }
  const currentTime = value.currentTime;
  if (currentTime instanceof Date || typeof currentTime === 'string') {
    const time = new Date(currentTime);
    if (Number.isNaN(time.getTime()))
      throw new TypeError('returned a currentTime that is not a time');
    context.currentTime = time;
  } else if (currentTime !== undefined && currentTime !== null) {
    throw new TypeError('returned a currentTime that is not a Date');
  }
  return context;
}

/**
 * Runs the enrichers in order on each request. One that throws, rejects or returns something
 * that is not a context fails the request with ENRICHER_FAILED (500); the cause is logged,
 * throttled per enricher, and never shown to the caller.
 */
export function createEnrichment({
  enrichers,
  clientKeyHeader,
  environmentOverride,
  log,
}: EnrichmentSettings): Enrichment {
  if (enrichers.length === 0)
    return Object.assign((context: EvaluationContext) => context, { enriches: false });
  const enrichment = async (initial: EvaluationContext, ctx: ProxyContext) => {
    const request = requestView(ctx, clientKeyHeader);
    // A plain copy: enrichers may mutate it and call Object.prototype methods on properties.
    let context: EvaluationContext = { ...initial, properties: { ...initial.properties } };
    for (const [index, enricher] of enrichers.entries()) {
      try {
        context = checkEnrichedContext(await enricher(context, request));
      } catch (error) {
        const label = enricher.name === '' ? `#${index}` : enricher.name;
        log(
          `enricher:${index}`,
          { enricher: label, error: describeError(error) },
          'context enricher failed',
        );
        throw new EnricherFailedError();
      }
    }
    if (environmentOverride !== undefined) context.environment = environmentOverride;
    return context;
  };
  return Object.assign(enrichment, { enriches: true });
}
