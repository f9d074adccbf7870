import type { HeadersObject, ParameterObject } from 'openapi3-ts/oas31';
import {
  BadRequestError,
  EndpointDisabledError,
  EnricherFailedError,
  MalformedJsonError,
  NotReadyError,
  PayloadTooLargeError,
  TooManyRequestsError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  UriTooLongError,
} from '../../errors.js';
import {
  defineRoute,
  errorResponse,
  jsonResponse,
  type ResponseDoc,
  type RouteDefinition,
} from '../../routing/define-route.js';
import {
  STANDARD_CONTEXT_FIELD_DOCS,
  STANDARD_CONTEXT_FIELDS,
} from '../../schemas/context-schema.js';
import { proxyRequestSchema, togglesResponseSchema } from '../../schemas/proxy-schemas.js';

/** The GET form of the context: the same standard fields as the JSON context, as text. */
const contextQueryParameters: ParameterObject[] = [
  ...STANDARD_CONTEXT_FIELDS.map(
    (name): ParameterObject => ({
      name,
      in: 'query',
      description: STANDARD_CONTEXT_FIELD_DOCS[name].description,
      schema: { type: 'string' },
      ...(name === 'userId' ? { example: STANDARD_CONTEXT_FIELD_DOCS[name].example } : {}),
    }),
  ),
  {
    name: 'properties',
    in: 'query',
    description:
      'Custom properties as `properties[name]=value`. Any other query key is read as a property too; a key named here wins.',
    style: 'deepObject',
    explode: true,
    schema: { type: 'object', additionalProperties: { type: 'string' } },
    example: { country: 'NO' },
  },
];

const togglesExample = {
  toggles: [
    {
      name: 'beta-program',
      enabled: true,
      variant: { name: 'disabled', enabled: false, feature_enabled: true, featureEnabled: true },
      impressionData: false,
    },
    {
      name: 'welcome-banner',
      enabled: true,
      variant: {
        name: 'formal',
        enabled: true,
        payload: { type: 'json', value: '{"title":"Good day"}' },
        feature_enabled: true,
        featureEnabled: true,
      },
      impressionData: true,
    },
  ],
};

const requestExample = {
  context: { userId: 'alice', properties: { country: 'NO' } },
  toggles: ['beta-program', 'welcome-banner'],
};

const cachedHeaders: HeadersObject = {
  ETag: {
    description: 'Changes when the flags or the context change; send it back in If-None-Match.',
    schema: { type: 'string' },
  },
  'Cache-Control': { schema: { type: 'string', examples: ['public, max-age=2'] } },
};

function toggles(description: string): ResponseDoc {
  return {
    ...jsonResponse(description, togglesResponseSchema, togglesExample),
    headers: cachedHeaders,
  };
}

const notModified: ResponseDoc = {
  description: 'Nothing changed since the ETag sent in If-None-Match.',
};
const badQuery = errorResponse(
  'A query parameter is repeated, or there are more than 1000.',
  new BadRequestError('Query parameter "userId" is given more than once.'),
);
const badBody = errorResponse(
  'The body is not valid JSON or does not match the request schema; `details` lists each problem.',
  new BadRequestError('"context.userId" must be a string.', [
    { field: 'context.userId', problem: 'must be a string' },
  ]),
  new MalformedJsonError(),
);
const unauthorized = errorResponse('No valid client key in the header.', new UnauthorizedError());
const tooLarge = errorResponse(
  'The body is larger than PROXY_BODY_LIMIT_BYTES.',
  new PayloadTooLargeError(102_400),
);
const notJson = errorResponse('The body is not application/json.', new UnsupportedMediaTypeError());
const queryTooLong = errorResponse(
  'The query string is longer than PROXY_QUERY_LIMIT_BYTES.',
  new UriTooLongError(8_192),
);
const rateLimited = errorResponse(
  'Over PROXY_RATE_LIMIT_PER_KEY or PROXY_RATE_LIMIT_PER_IP (off by default); see Retry-After.',
  new TooManyRequestsError(1),
);
const enricherFailed = errorResponse(
  'A custom context enricher (EXP_CUSTOM_ENRICHERS_FILE) failed.',
  new EnricherFailedError(),
);
const allDisabled = errorResponse(
  'ENABLE_ALL_ENDPOINT is not true.',
  new EndpointDisabledError('ENABLE_ALL_ENDPOINT'),
);
const notReady = errorResponse('The flags are not loaded yet.', new NotReadyError());

const requestBody = {
  description: 'The context, and optionally exactly which flags to answer.',
  schema: proxyRequestSchema,
  example: requestExample,
};

export const getProxy = defineRoute({
  method: 'get',
  path: '/proxy',
  operationId: 'getEnabledFlags',
  summary: 'Enabled flags for a context given in the query',
  tag: 'Proxy',
  security: ['clientKey'],
  parameters: contextQueryParameters,
  responses: {
    200: toggles('The flags enabled for this context.'),
    304: notModified,
    400: badQuery,
    401: unauthorized,
    414: queryTooLong,
    429: rateLimited,
    500: enricherFailed,
    503: notReady,
  },
});

export const postProxy = defineRoute({
  method: 'post',
  path: '/proxy',
  operationId: 'postEnabledFlags',
  summary: 'Enabled flags, or the named flags, for a context given as JSON',
  description:
    'Without `toggles`: the enabled flags. With `toggles`: exactly those, enabled or not.',
  tag: 'Proxy',
  security: ['clientKey'],
  requestBody,
  responses: {
    200: toggles('The flags for this context.'),
    304: notModified,
    400: badBody,
    401: unauthorized,
    413: tooLarge,
    415: notJson,
    429: rateLimited,
    500: enricherFailed,
    503: notReady,
  },
});

export const getProxyAll = defineRoute({
  method: 'get',
  path: '/proxy/all',
  operationId: 'getAllFlags',
  summary: 'Every flag, enabled or not, for a context given in the query',
  description: 'Answers only when ENABLE_ALL_ENDPOINT=true.',
  tag: 'Proxy',
  security: ['clientKey'],
  parameters: contextQueryParameters,
  responses: {
    200: toggles('Every flag, evaluated for this context.'),
    304: notModified,
    400: badQuery,
    401: unauthorized,
    414: queryTooLong,
    429: rateLimited,
    500: enricherFailed,
    501: allDisabled,
    503: notReady,
  },
});

export const postProxyAll = defineRoute({
  method: 'post',
  path: '/proxy/all',
  operationId: 'postAllFlags',
  summary: 'Every flag, or the named flags, for a context given as JSON',
  description: 'Answers only when ENABLE_ALL_ENDPOINT=true.',
  tag: 'Proxy',
  security: ['clientKey'],
  requestBody,
  responses: {
    200: toggles('The flags for this context.'),
    304: notModified,
    400: badBody,
    401: unauthorized,
    413: tooLarge,
    415: notJson,
    429: rateLimited,
    500: enricherFailed,
    501: allDisabled,
    503: notReady,
  },
});

export const PROXY_ROUTES: readonly RouteDefinition[] = [
  getProxy,
  postProxy,
  getProxyAll,
  postProxyAll,
];
