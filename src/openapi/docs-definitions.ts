import { NotFoundError } from '../errors.js';
import { defineRoute, errorResponse, type RouteDefinition } from '../routing/define-route.js';
import { SWAGGER_UI_FILE_NAMES } from './swagger-ui.js';

const ONLY_WITH_OAS = 'Served only when ENABLE_OAS=true; otherwise 404.';

export const getOpenApiDocument = defineRoute({
  method: 'get',
  path: '/docs/openapi.json',
  operationId: 'getOpenApiDocument',
  summary: 'This OpenAPI document',
  description: ONLY_WITH_OAS,
  tag: 'Documentation',
  security: [],
  responses: {
    200: {
      description: 'The OpenAPI 3.1 document of this proxy.',
      contentType: 'application/json',
      schema: { type: 'object' },
    },
  },
});

const swaggerUiPage = {
  description: 'Swagger UI, preloaded with this document.',
  contentType: 'text/html',
  schema: { type: 'string' },
} as const;

export const getSwaggerUi = defineRoute({
  method: 'get',
  path: '/docs/openapi',
  operationId: 'getSwaggerUi',
  summary: 'Swagger UI for this API',
  description: ONLY_WITH_OAS,
  tag: 'Documentation',
  security: [],
  responses: { 200: swaggerUiPage },
});

export const getSwaggerUiWithSlash = defineRoute({
  ...getSwaggerUi,
  path: '/docs/openapi/',
  operationId: 'getSwaggerUiWithSlash',
  summary: 'Swagger UI for this API (the same page)',
});

export const getSwaggerUiFile = defineRoute({
  method: 'get',
  path: '/docs/openapi/:file',
  operationId: 'getSwaggerUiFile',
  summary: "Swagger UI's files, from swagger-ui-dist",
  description: ONLY_WITH_OAS,
  tag: 'Documentation',
  security: [],
  parameters: [
    {
      name: 'file',
      in: 'path',
      required: true,
      schema: { type: 'string', enum: [...SWAGGER_UI_FILE_NAMES] },
    },
  ],
  responses: {
    200: {
      description: 'The file: a style sheet, a script or an icon.',
      contentType: '*/*',
      schema: { type: 'string', format: 'binary' },
    },
    404: errorResponse('No such file.', new NotFoundError()),
  },
});

export const DOCS_ROUTES: readonly RouteDefinition[] = [
  getOpenApiDocument,
  getSwaggerUi,
  getSwaggerUiWithSlash,
  getSwaggerUiFile,
];
