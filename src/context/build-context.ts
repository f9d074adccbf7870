import { BadRequestError } from '../errors.js';
import type { EvaluationContext } from '../evaluation/types.js';
import { quotedName } from '../http/caller-names.js';
import {
  type ContextInput,
  STANDARD_CONTEXT_FIELDS,
  type StandardContextField,
} from '../schemas/context-schema.js';
import { type ProxyRequestInput, proxyRequestSchema } from '../schemas/proxy-schemas.js';
import { compileValidator } from '../schemas/validator.js';

/** A context as the caller sent it, before defaults and overrides. */
export interface RequestedContext {
  userId?: string;
  sessionId?: string;
  remoteAddress?: string;
  environment?: string;
  appName?: string;
  currentTime?: string;
  properties: Record<string, string>;
}

export interface ContextDefaults {
  /** The caller's address, used when the context names none. */
  clientIp: string;
  /** The proxy's app name, used when the context names none. */
  appName: string;
  /** UNLEASH_ENVIRONMENT: when set, it replaces what the caller sent. */
  environmentOverride: string | undefined;
}

const STANDARD_FIELD_SET: ReadonlySet<string> = new Set(STANDARD_CONTEXT_FIELDS);

const MAX_QUERY_PARAMETERS = 1000;

function isStandardField(name: string): name is StandardContextField {
  return STANDARD_FIELD_SET.has(name);
}

/** An object with no prototype, so that keys such as `__proto__` are plain data. */
function emptyRecord(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

/**
 * GET query: the standard fields, `properties[key]=value`, and any other key as a property.
 * An explicit `properties[key]` wins over a bare `key`. A repeated field is ambiguous, and a
 * bare `properties` is not a map: both 400.
 */
export function parseQueryContext(
  querystring: string,
  maxParameters = MAX_QUERY_PARAMETERS,
): RequestedContext {
  const params = new URLSearchParams(querystring);
  const context: RequestedContext = { properties: emptyRecord() };
  const loose = emptyRecord();
  const seen = new Set<string>();
  let count = 0;
  for (const [key, value] of params) {
    count += 1;
    if (count > maxParameters) {
      throw new BadRequestError(`At most ${maxParameters} query parameters are accepted.`);
    }
    if (seen.has(key))
      throw new BadRequestError(`Query parameter ${quotedName(key)} is given more than once.`);
    seen.add(key);
    const property = /^properties\[(.+)\]$/.exec(key)?.[1];
    if (property !== undefined) {
      context.properties[property] = value;
    } else if (isStandardField(key)) {
      context[key] = value;
    } else if (key === 'properties') {
      // A bare `properties` cannot be a map of properties; the original proxy refused it too.
      throw new BadRequestError(
        'Query parameter "properties" must be given as properties[name]=value.',
      );
    } else {
      loose[key] = value;
    }
  }
  for (const [key, value] of Object.entries(loose)) {
    if (!(key in context.properties)) context.properties[key] = value;
  }
  return context;
}

/** Compiled once, at import: the same schema objects the OpenAPI document shows. */
const validateProxyRequest = compileValidator<ProxyRequestInput>(proxyRequestSchema);

/** The schemas allow only strings, finite numbers, booleans and null here. */
function scalarToString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * A context sent as JSON, already valid against `contextSchema`: null fields are dropped,
 * numbers and booleans become text, loose keys become properties unless `properties` names
 * them, and an unusable `currentTime` is dropped rather than refused, as the original did.
 */
function normalizeBodyContext(input: ContextInput | null | undefined): RequestedContext {
  const context: RequestedContext = { properties: emptyRecord() };
  if (input === null || input === undefined) return context;
  const loose = emptyRecord();
  for (const [key, field] of Object.entries(input)) {
    if (key === 'properties') {
      for (const [name, property] of Object.entries(input.properties ?? {})) {
        const text = scalarToString(property);
        if (text !== undefined) context.properties[name] = text;
      }
    } else if (key === 'currentTime') {
      if (typeof field === 'string') context.currentTime = field;
    } else if (isStandardField(key)) {
      const text = scalarToString(field);
      if (text !== undefined) context[key] = text;
    } else {
      const text = scalarToString(field);
      if (text !== undefined) loose[key] = text;
    }
  }
  for (const [key, text] of Object.entries(loose)) {
    if (!(key in context.properties)) context.properties[key] = text;
  }
  return context;
}

export interface ProxyRequestBody {
  context: RequestedContext;
  /** Present and non-empty: answer exactly these flags. */
  toggles?: string[];
}

/** POST /proxy and /proxy/all: `{ context?, toggles? }`, checked against `proxyRequestSchema`. */
export function parseProxyRequestBody(body: unknown): ProxyRequestBody {
  const input = validateProxyRequest(body, '');
  const context = normalizeBodyContext(input.context);
  const toggles = input.toggles;
  return toggles && toggles.length > 0 ? { context, toggles: [...toggles] } : { context };
}

function parseTime(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? undefined : time;
}

/** Applies the defaults: the caller's address, the proxy's app name, the forced environment. */
export function finalizeContext(
  requested: RequestedContext,
  defaults: ContextDefaults,
): EvaluationContext {
  const context: EvaluationContext = {
    properties: requested.properties,
    remoteAddress: requested.remoteAddress ?? defaults.clientIp,
    appName: requested.appName ?? defaults.appName,
    environment: defaults.environmentOverride ?? requested.environment ?? 'default',
  };
  if (requested.userId !== undefined) context.userId = requested.userId;
  if (requested.sessionId !== undefined) context.sessionId = requested.sessionId;
  const currentTime = parseTime(requested.currentTime);
  if (currentTime !== undefined) context.currentTime = currentTime;
  return context;
}

/** A stable text form of a context: equal contexts give equal strings, whatever the key order. */
export function canonicalContext(context: EvaluationContext): string {
  const properties = Object.keys(context.properties)
    .sort()
    .map((key) => [key, context.properties[key]]);
  return JSON.stringify([
    context.userId,
    context.sessionId,
    context.remoteAddress,
    context.environment,
    context.appName,
    context.currentTime?.toISOString(),
    properties,
  ]);
}
