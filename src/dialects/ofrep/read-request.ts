import type { RequestedContext } from '../../context/build-context.js';

import {
  STANDARD_CONTEXT_FIELDS,
  type StandardContextField,
} from '../../schemas/context-schema.js';
import { OfrepRequestError } from './ofrep-errors.js';

const STANDARD_FIELDS: ReadonlySet<string> = new Set(STANDARD_CONTEXT_FIELDS);

function isStandardField(name: string): name is StandardContextField {
  return STANDARD_FIELDS.has(name);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Unleash context values are text: strings as they are, numbers and booleans written out. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

function invalid(message: string): OfrepRequestError {
  return new OfrepRequestError('INVALID_CONTEXT', message);
}

/**
 * The body of an OFREP evaluation, `{ context: { targetingKey, ...attributes } }`, as the
 * context Unleash evaluates: `targetingKey` fills `userId` unless `userId` is given; the
 * standard Unleash fields (userId, sessionId, remoteAddress, environment, appName,
 * currentTime) keep their meaning; `properties` and every other attribute with a string,
 * number or boolean value become properties (a key in `properties` wins). Nested objects and
 * arrays outside `properties` cannot be matched by an Unleash constraint and are left out; a
 * missing body or context is an empty context.
 */
export function readOfrepContext(body: unknown): RequestedContext {
  if (!isRecord(body)) throw invalid('The body must be a JSON object with a "context" object.');
  const input = body.context ?? {};
  if (!isRecord(input)) throw invalid('"context" must be an object.');
  const context: RequestedContext = { properties: Object.create(null) as Record<string, string> };
  const loose = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(input)) {
    if (value === null || value === undefined) continue;
    if (key === 'targetingKey') {
      const text = scalarText(value);
      if (text === undefined || typeof value === 'boolean') {
        throw invalid('"context.targetingKey" must be a string.');
      }
      context.userId ??= text;
    } else if (key === 'properties') {
      if (!isRecord(value)) throw invalid('"context.properties" must be an object.');
      for (const [name, property] of Object.entries(value)) {
        const text = scalarText(property);
        if (text !== undefined) context.properties[name] = text;
      }
    } else if (isStandardField(key)) {
      const text = typeof value === 'boolean' ? undefined : scalarText(value);
      if (text === undefined) throw invalid(`"context.${key}" must be a string.`);
      context[key] = text;
    } else {
      const text = scalarText(value);
      if (text !== undefined) loose[key] = text;
    }
  }
  // An explicit userId wins over targetingKey, whichever came first in the object.
  if (typeof input.userId === 'string' || typeof input.userId === 'number') {
    context.userId = String(input.userId);
  }
  for (const [key, text] of Object.entries(loose)) {
    if (!(key in context.properties)) context.properties[key] = text;
  }
  return context;
}
