import type { SchemaObject } from 'openapi3-ts/oas31';

/**
 * The evaluation context as callers send it. These objects are what POST bodies are validated
 * against and what the OpenAPI document shows (GET query parameters included), so the
 * validation and the documentation cannot drift apart.
 */

interface StandardField {
  readonly description: string;
  readonly example: string;
}

/** The fields the Unleash context knows by name; any other key is a custom property. */
export const STANDARD_CONTEXT_FIELD_DOCS = {
  userId: { description: 'The user the flags are evaluated for.', example: 'alice' },
  sessionId: { description: 'The session, for rollouts without a user.', example: 'f3c2a9' },
  remoteAddress: {
    description: "The caller's IP address. Default: the address the request came from.",
    example: '10.0.0.7',
  },
  environment: {
    description: 'Environment name. UNLEASH_ENVIRONMENT, when set, replaces it.',
    example: 'production',
  },
  appName: {
    description: "Application name. Default: the proxy's UNLEASH_APP_NAME.",
    example: 'web-shop',
  },
  currentTime: {
    description: 'ISO 8601 date-time for date constraints; a value that is not a date is ignored.',
    example: '2025-01-31T12:00:00Z',
  },
} as const satisfies Record<string, StandardField>;

export type StandardContextField = keyof typeof STANDARD_CONTEXT_FIELD_DOCS;

export const STANDARD_CONTEXT_FIELDS = Object.keys(
  STANDARD_CONTEXT_FIELD_DOCS,
) as StandardContextField[];

/** What a property (or a loose key) may hold; numbers and booleans are read as text. */
export const contextValueSchema: SchemaObject = {
  type: ['string', 'number', 'boolean', 'null'],
  description: 'Numbers and booleans are read as text; null is ignored.',
};

export const contextPropertiesSchema: SchemaObject = {
  type: ['object', 'null'],
  description: 'Custom fields for constraints. A property named here wins over a loose key.',
  additionalProperties: contextValueSchema,
  examples: [{ country: 'NO', plan: 'pro' }],
};

function standardFieldSchema(name: StandardContextField): SchemaObject {
  const { description, example } = STANDARD_CONTEXT_FIELD_DOCS[name];
  // An unusable time is ignored rather than refused, as the original proxy did, so any type
  // passes; the schema can only describe the expected form.
  if (name === 'currentTime') return { description, examples: [example] };
  // JavaScript apps pass numeric ids; the original proxy and Unleash Edge read them as text.
  return {
    type: ['string', 'number', 'boolean', 'null'],
    description: `${description} Numbers and booleans are read as text; null is ignored.`,
  };
}

export const contextSchema: SchemaObject = {
  // Null reads as an empty context, as the original proxy did.
  type: ['object', 'null'],
  description:
    'The Unleash context. Keys other than the standard fields and `properties` are read as properties.',
  properties: {
    ...Object.fromEntries(STANDARD_CONTEXT_FIELDS.map((name) => [name, standardFieldSchema(name)])),
    properties: contextPropertiesSchema,
  },
  additionalProperties: contextValueSchema,
  examples: [{ userId: 'alice', sessionId: 'f3c2a9', properties: { country: 'NO' } }],
};

type ContextScalar = string | number | boolean | null;

/** The shape `contextSchema` guarantees; loose keys make it open-ended. */
export interface ContextInput {
  readonly [key: string]: unknown;
  readonly properties?: Readonly<Record<string, ContextScalar>> | null;
}
