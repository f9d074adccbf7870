import type { SchemaObject } from 'openapi3-ts/oas31';

/**
 * The Unleash client API as SDKs call it through the proxy. The request schemas are what the
 * bodies are validated against (src/metrics/usage-payload.ts) and what the document shows.
 */

/**
 * The largest count accepted for one counter (yes, no or one variant) of one flag in one
 * request. A browser SDK reports every 30 s and a backend SDK every 60 s; a billion
 * evaluations of one flag in such a window (over 16 million a second) is not real traffic.
 * The cap also keeps every running total a safe integer for a very long time.
 */
export const MAX_COUNT_PER_REQUEST = 1_000_000_000;

const usageCountSchema: SchemaObject = {
  type: 'integer',
  minimum: 0,
  maximum: MAX_COUNT_PER_REQUEST,
  description: `Evaluations in this report: a whole number from 0 to ${MAX_COUNT_PER_REQUEST}.`,
};

const bucketTimeSchema: SchemaObject = {
  type: ['string', 'number', 'null'],
  description:
    'An ISO 8601 date-time or a timestamp in milliseconds; one that is not a date is refused.',
  examples: ['2025-01-31T12:00:00.000Z'],
};

export const toggleUsageSchema: SchemaObject = {
  type: 'object',
  description: 'How often the flag was evaluated; an absent count is 0.',
  properties: {
    yes: { ...usageCountSchema, description: 'Evaluations that found the flag enabled.' },
    no: { ...usageCountSchema, description: 'Evaluations that found the flag disabled.' },
    variants: {
      type: ['object', 'null'],
      description: 'Evaluations per variant name.',
      additionalProperties: usageCountSchema,
    },
  },
};

/** POST /client/metrics: usage counts as unleash-proxy-client and unleash-client send them. */
export const usageReportSchema: SchemaObject = {
  type: 'object',
  description:
    'Usage counts of one SDK instance. Other keys (connectionId, platformName, impactMetrics, ...) are accepted and ignored.',
  required: ['appName', 'bucket'],
  properties: {
    appName: { type: 'string', minLength: 1, examples: ['web-shop'] },
    instanceId: { type: 'string', examples: ['browser'] },
    environment: { type: 'string', examples: ['production'] },
    bucket: {
      type: 'object',
      required: ['toggles'],
      properties: {
        start: bucketTimeSchema,
        stop: bucketTimeSchema,
        toggles: {
          type: 'object',
          description: 'Counts per flag name.',
          propertyNames: { minLength: 1 },
          additionalProperties: toggleUsageSchema,
        },
      },
    },
  },
};

/** The shape `usageReportSchema` guarantees. */
export interface UsageReportInput {
  readonly appName: string;
  readonly bucket: {
    readonly start?: string | number | null;
    readonly stop?: string | number | null;
    readonly toggles: Readonly<
      Record<
        string,
        {
          readonly yes?: number;
          readonly no?: number;
          readonly variants?: Readonly<Record<string, number>> | null;
        }
      >
    >;
  };
}

/** POST /client/register: only the app name is checked, the rest is passed on as sent. */
export const registrationSchema: SchemaObject = {
  type: 'object',
  description:
    'An SDK announcing itself: appName, and usually instanceId, sdkVersion, strategies, started and interval, which are accepted as sent.',
  required: ['appName'],
  properties: {
    appName: { type: 'string', minLength: 1, examples: ['billing-service'] },
  },
};

/** GET /client/features: the flag configuration as Unleash serves it to backend SDKs. */
export const clientFeaturesSchema: SchemaObject = {
  type: 'object',
  required: ['version', 'features'],
  properties: {
    version: { type: 'integer', const: 2 },
    features: {
      type: 'array',
      description: "Flag definitions in Unleash's client API format.",
      items: {
        type: 'object',
        required: ['name', 'enabled'],
        properties: {
          name: { type: 'string' },
          enabled: { type: 'boolean' },
          strategies: { type: 'array', items: { type: 'object' } },
          variants: { type: 'array', items: { type: 'object' } },
        },
      },
    },
    segments: { type: 'array', items: { type: 'object' } },
    query: {
      type: 'object',
      description: 'The filter applied: UNLEASH_PROJECT_NAME and UNLEASH_NAME_PREFIX.',
      properties: {
        project: { type: 'array', items: { type: 'string' } },
        namePrefix: { type: 'string' },
      },
    },
  },
};
