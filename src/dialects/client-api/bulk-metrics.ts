import type { SchemaObject } from 'openapi3-ts/oas31';
import type { ToggleUsage } from '../../metrics/usage-payload.js';
import { MAX_COUNT_PER_REQUEST } from '../../metrics/usage-payload.js';
import { compileValidator } from '../../schemas/validator.js';

const count = { type: 'integer', minimum: 0, maximum: MAX_COUNT_PER_REQUEST } as const;

/** Unleash's bulk metrics, as Edge posts them upstream: the counts this proxy forwards. */
export const bulkMetricsSchema: SchemaObject = {
  type: 'object',
  required: ['metrics'],
  properties: {
    applications: { type: 'array', maxItems: 1000, items: { type: 'object' } },
    metrics: {
      type: 'array',
      maxItems: 10_000,
      items: {
        type: 'object',
        required: ['featureName', 'yes', 'no'],
        properties: {
          featureName: { type: 'string', minLength: 1, maxLength: 255 },
          appName: { type: 'string' },
          environment: { type: 'string' },
          timestamp: { type: ['string', 'number'] },
          yes: count,
          no: count,
          variants: { type: 'object', additionalProperties: count },
        },
      },
    },
  },
};

interface BulkMetricsInput {
  metrics: { featureName: string; yes: number; no: number; variants?: Record<string, number> }[];
}

const validateBulk = compileValidator<BulkMetricsInput>(bulkMetricsSchema);

/** The per-flag counts of a bulk report; 400 for a body that does not match the schema. */
export function parseBulkMetrics(body: unknown): ToggleUsage[] {
  return validateBulk(body, '').metrics.map((metric) => ({
    name: metric.featureName,
    yes: metric.yes,
    no: metric.no,
    variants: Object.entries(metric.variants ?? {}),
  }));
}
