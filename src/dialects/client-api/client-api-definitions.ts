import { NotFoundError } from '../../errors.js';
import {
  getClientFeatures,
  postClientMetrics,
  postClientRegister,
} from '../../routes/client-definitions.js';
import { defineRoute, errorResponse, type RouteDefinition } from '../../routing/define-route.js';
import { tokenResponses } from '../frontend/frontend-definitions.js';
import { bulkMetricsSchema } from './bulk-metrics.js';

const backend = {
  tag: 'Unleash client API',
  security: ['backendToken'],
} as const;

function withTokenStatuses(base: RouteDefinition): RouteDefinition['responses'] {
  const { 401: _key, ...responses } = base.responses;
  return { ...responses, ...tokenResponses('backend') };
}

export const getApiClientFeatures = defineRoute({
  ...getClientFeatures,
  ...backend,
  path: '/api/client/features',
  operationId: 'getApiClientFeatures',
  summary: 'The flag configuration of a backend token, as Unleash serves it to backend SDKs',
  description:
    "The flags of the token's environment and projects, optionally filtered with `namePrefix` and `project` (repeatable), with an ETag for If-None-Match.",
  parameters: [
    { name: 'namePrefix', in: 'query', schema: { type: 'string' } },
    {
      name: 'project',
      in: 'query',
      schema: { type: 'array', items: { type: 'string' } },
      style: 'form',
      explode: true,
    },
  ],
  responses: withTokenStatuses(getClientFeatures),
});

export const getApiClientFeature = defineRoute({
  ...getApiClientFeatures,
  path: '/api/client/features/:name',
  operationId: 'getApiClientFeature',
  summary: 'One flag definition',
  description: "One flag of the token's environment and projects.",
  parameters: [],
  responses: {
    ...withTokenStatuses(getClientFeatures),
    404: errorResponse('No such flag among the token projects.', new NotFoundError()),
  },
});

export const postApiClientMetrics = defineRoute({
  ...postClientMetrics,
  ...backend,
  path: '/api/client/metrics',
  operationId: 'postApiClientMetrics',
  description:
    "Usage counts of a backend SDK, forwarded to Unleash with a configured backend token of the token's environment. Answers 202, as Unleash does.",
  responses: withTokenStatuses(postClientMetrics),
});

export const postApiClientMetricsBulk = defineRoute({
  ...postApiClientMetrics,
  path: '/api/client/metrics/bulk',
  operationId: 'postApiClientMetricsBulk',
  summary: 'Usage counts in bulk, as Unleash Edge forwards them',
  description:
    '`{ applications: [...], metrics: [{ featureName, yes, no, variants }] }`; the counts are forwarded as the other usage reports. Answers 202.',
  requestBody: {
    description: 'Applications and per-flag counts.',
    schema: bulkMetricsSchema,
    example: {
      applications: [],
      metrics: [
        {
          featureName: 'beta-program',
          appName: 'checkout',
          environment: 'production',
          timestamp: '2026-01-01T00:00:00Z',
          yes: 5,
          no: 1,
          variants: {},
        },
      ],
    },
  },
});

export const postApiClientRegister = defineRoute({
  ...postClientRegister,
  ...backend,
  path: '/api/client/register',
  operationId: 'postApiClientRegister',
  responses: withTokenStatuses(postClientRegister),
});

export const CLIENT_API_ROUTES: readonly RouteDefinition[] = [
  getApiClientFeatures,
  getApiClientFeature,
  postApiClientMetrics,
  postApiClientMetricsBulk,
  postApiClientRegister,
];
