import { FlagsStaleError, NotReadyError, ScopesNotReadyError } from '../errors.js';
import {
  defineRoute,
  errorResponse,
  type ResponseDoc,
  type RouteDefinition,
} from '../routing/define-route.js';

const ok: ResponseDoc = {
  description: 'The process answers.',
  contentType: 'text/plain',
  schema: { type: 'string', const: 'ok' },
  example: 'ok',
};

export const getLiveness = defineRoute({
  method: 'get',
  path: '/proxy/health/live',
  operationId: 'getLiveness',
  summary: 'Whether the process answers (liveness probe)',
  tag: 'Health',
  security: [],
  responses: { 200: ok },
});

export const getBackstageHealth = defineRoute({
  ...getLiveness,
  path: '/proxy/internal-backstage/health',
  operationId: 'getBackstageHealth',
  summary: "Whether the process answers, at the original proxy's backstage path",
});

export const getReadiness = defineRoute({
  method: 'get',
  path: '/proxy/health/ready',
  operationId: 'getReadiness',
  summary: 'Whether the proxy should receive traffic (readiness probe)',
  description:
    'Ready once the flags of every configured scope (backend token) are loaded, for as long as Unleash confirmed them within PROXY_READINESS_MAX_AGE_MS; a 503 names the scopes without flags.',
  tag: 'Health',
  security: [],
  responses: {
    200: { ...ok, description: 'The flags are loaded and recently confirmed by Unleash.' },
    503: errorResponse(
      'The flags are not loaded yet, or Unleash has not confirmed them for too long; `details` has the ages in milliseconds.',
      new NotReadyError(),
      new FlagsStaleError(912_000, 900_000),
      new ScopesNotReadyError(['*:production']),
    ),
  },
});

export const getPrometheusMetrics = defineRoute({
  method: 'get',
  path: '/proxy/internal-backstage/prometheus',
  operationId: 'getPrometheusMetrics',
  summary: 'Metrics in the Prometheus text format',
  description: 'Requests, flag syncs with Unleash, flag count and pending usage counts.',
  tag: 'Health',
  security: [],
  responses: {
    200: {
      description: 'Prometheus text exposition format 0.0.4.',
      contentType: 'text/plain',
      schema: { type: 'string' },
      example:
        '# HELP unleash_proxy_flags Flags in the configuration the proxy serves now.\n# TYPE unleash_proxy_flags gauge\nunleash_proxy_flags 12\n',
    },
  },
});

/** Unleash Edge's operations paths, answering as ours. */
export const getEdgeHealth = defineRoute({
  ...getLiveness,
  path: '/internal-backstage/health',
  operationId: 'getEdgeHealth',
  summary: "Whether the process answers, at Unleash Edge's path",
});

export const getEdgeReadiness = defineRoute({
  ...getReadiness,
  path: '/internal-backstage/ready',
  operationId: 'getEdgeReadiness',
  summary: "Readiness at Unleash Edge's path",
});

export const getEdgeMetrics = defineRoute({
  ...getPrometheusMetrics,
  path: '/internal-backstage/metrics',
  operationId: 'getEdgeMetrics',
  summary: "Prometheus metrics at Unleash Edge's path",
});

export const BACKSTAGE_ROUTES: readonly RouteDefinition[] = [
  getEdgeHealth,
  getEdgeReadiness,
  getEdgeMetrics,
  getLiveness,
  getBackstageHealth,
  getReadiness,
  getPrometheusMetrics,
];
