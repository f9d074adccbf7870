import { NotReadyError } from '../errors.js';
import { defineRoute, errorResponse, type RouteDefinition } from '../routing/define-route.js';

export const getHealth = defineRoute({
  method: 'get',
  path: '/proxy/health',
  operationId: 'getHealth',
  summary: 'Whether the proxy has loaded its flags',
  tag: 'Health',
  security: [],
  responses: {
    200: {
      description: 'The flags are loaded.',
      contentType: 'text/plain',
      schema: { type: 'string', const: 'ok' },
      example: 'ok',
    },
    503: errorResponse('The flags are not loaded yet.', new NotReadyError()),
  },
});

export const HEALTH_ROUTES: readonly RouteDefinition[] = [getHealth];
