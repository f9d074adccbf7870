import type { SchemaObject } from 'openapi3-ts/oas31';
import { errorSchema } from '../../schemas/error-schema.js';

/** OFREP's evaluation request: `{ context: { targetingKey, ...attributes } }`. */
export const ofrepRequestSchema: SchemaObject = {
  type: 'object',
  properties: {
    context: {
      type: 'object',
      description:
        'The OpenFeature evaluation context. `targetingKey` becomes `userId` unless `userId` is given; userId, sessionId, remoteAddress, environment, appName and currentTime are the standard Unleash fields; `properties` and every other attribute with a string, number or boolean value become Unleash context properties (nested objects outside `properties` are left out).',
      properties: {
        targetingKey: { type: 'string' },
        properties: { type: 'object', additionalProperties: true },
      },
      additionalProperties: true,
    },
  },
};

const metadataSchema: SchemaObject = {
  type: 'object',
  description:
    '`enabled` (the Unleash flag is on for this context), `impressionData`, `project`, and `payloadType` (Unleash payload type, for flags with payloads).',
  additionalProperties: { oneOf: [{ type: 'boolean' }, { type: 'string' }, { type: 'number' }] },
};

export const ofrepSuccessSchema: SchemaObject = {
  type: 'object',
  required: ['key', 'reason', 'variant'],
  properties: {
    key: { type: 'string' },
    value: {
      description:
        'boolean for flags without payloads; string, number or object for flags with payloads of that type. Absent when the context gets no payload: the provider uses the default in code (unless OFREP_ALWAYS_SEND_VALUE=true).',
      oneOf: [
        { type: 'boolean' },
        { type: 'string' },
        { type: 'number' },
        { type: 'object' },
        { type: 'array' },
      ],
    },
    reason: { type: 'string', enum: ['DISABLED', 'DEFAULT', 'TARGETING_MATCH', 'SPLIT'] },
    variant: { type: 'string', description: 'The Unleash variant name (`disabled` when none).' },
    metadata: metadataSchema,
  },
};

export const ofrepFailureSchema: SchemaObject = {
  type: 'object',
  required: ['key', 'errorCode'],
  properties: {
    key: { type: 'string' },
    errorCode: { type: 'string', enum: ['PARSE_ERROR', 'FLAG_NOT_FOUND', 'GENERAL'] },
    errorDetails: { type: 'string' },
    metadata: metadataSchema,
  },
};

export const ofrepBulkSchema: SchemaObject = {
  type: 'object',
  required: ['flags'],
  properties: {
    flags: { type: 'array', items: { oneOf: [ofrepSuccessSchema, ofrepFailureSchema] } },
    eventStreams: {
      type: 'array',
      description:
        'The SSE stream that announces flag changes (OFREP ADR 0008). Its URL carries a stream token derived from the key, never the key.',
      items: {
        type: 'object',
        required: ['type', 'endpoint'],
        properties: {
          type: { type: 'string', enum: ['sse'] },
          endpoint: {
            type: 'object',
            required: ['requestUri'],
            properties: { requestUri: { type: 'string' } },
          },
          inactivityDelaySec: { type: 'integer' },
        },
      },
    },
  },
};

/** The one error shape, plus OFREP's fields. */
export const ofrepErrorSchema: SchemaObject = {
  allOf: [
    errorSchema,
    {
      type: 'object',
      required: ['errorCode'],
      properties: {
        key: { type: 'string', description: 'The flag key, on the single-flag route.' },
        errorCode: {
          type: 'string',
          enum: ['PARSE_ERROR', 'INVALID_CONTEXT', 'FLAG_NOT_FOUND', 'GENERAL'],
        },
        errorDetails: { type: 'string' },
      },
    },
  ],
};
