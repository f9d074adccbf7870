import type { SchemaObject } from 'openapi3-ts/oas31';
import { type ContextInput, contextSchema } from './context-schema.js';

/** POST /proxy and /proxy/all: validated against this, and documented by it. */
export const proxyRequestSchema: SchemaObject = {
  type: 'object',
  description: 'The context to evaluate against and, optionally, the flags to answer.',
  properties: {
    context: contextSchema,
    toggles: {
      type: ['array', 'null'],
      description:
        'Answer exactly these flags, in this order, enabled or not (unknown ones as disabled). Empty or absent: the usual answer.',
      items: { type: 'string' },
      examples: [['beta-program', 'nordic-pricing']],
    },
  },
};

/** The shape `proxyRequestSchema` guarantees. */
export interface ProxyRequestInput {
  readonly context?: ContextInput | null;
  readonly toggles?: readonly string[] | null;
}

export const variantPayloadSchema: SchemaObject = {
  type: 'object',
  required: ['type', 'value'],
  properties: {
    type: { type: 'string', examples: ['json'] },
    value: { type: 'string', examples: ['{"discount":10}'] },
  },
};

export const variantSchema: SchemaObject = {
  type: 'object',
  required: ['name', 'enabled', 'feature_enabled', 'featureEnabled'],
  properties: {
    name: { type: 'string', description: '`disabled` when no variant applies.' },
    enabled: { type: 'boolean' },
    payload: variantPayloadSchema,
    feature_enabled: { type: 'boolean', description: 'Whether the flag itself is enabled.' },
    featureEnabled: { type: 'boolean', description: 'The same, in the newer spelling.' },
  },
};

export const toggleSchema: SchemaObject = {
  type: 'object',
  required: ['name', 'enabled', 'variant', 'impressionData'],
  properties: {
    name: { type: 'string' },
    enabled: { type: 'boolean' },
    variant: variantSchema,
    impressionData: { type: 'boolean' },
  },
};

export const togglesResponseSchema: SchemaObject = {
  type: 'object',
  required: ['toggles'],
  properties: { toggles: { type: 'array', items: toggleSchema } },
};
