import type { HeadersObject } from 'openapi3-ts/oas31';
import {
  AppError,
  MalformedJsonError,
  NotReadyError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../errors.js';
import { checkRegistration, parseUsageReport } from '../metrics/usage-payload.js';
import { missingSdkCredential, missingServerToken } from '../middleware/sdk-auth.js';
import {
  defineRoute,
  errorResponse,
  jsonResponse,
  type ResponseDoc,
  type RouteDefinition,
} from '../routing/define-route.js';
import {
  clientFeaturesSchema,
  registrationSchema,
  usageReportSchema,
} from '../schemas/client-schemas.js';

/** The error a parser throws for a bad body: the 400 examples are what the route answers. */
function refusal(parse: (body: unknown) => unknown, body: unknown): AppError {
  try {
    parse(body);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('the example body was expected to be refused');
}

const usageReportExample = {
  appName: 'web-shop',
  instanceId: 'browser',
  environment: 'production',
  bucket: {
    start: '2025-01-31T12:00:00.000Z',
    stop: '2025-01-31T12:00:30.000Z',
    toggles: {
      'beta-program': { yes: 12, no: 3, variants: {} },
      'welcome-banner': { yes: 4, no: 0, variants: { formal: 3, casual: 1 } },
    },
  },
};

const registrationExample = {
  appName: 'billing-service',
  instanceId: 'billing-1',
  sdkVersion: 'unleash-client-node:6.1.0',
  strategies: ['default', 'flexibleRollout'],
  started: '2025-01-31T12:00:00.000Z',
  interval: 15000,
};

const accepted: ResponseDoc = {
  description: 'Accepted.',
  contentType: 'text/plain',
  schema: { type: 'string', const: 'OK' },
  example: 'OK',
};
const badReport = errorResponse(
  'The body is not valid JSON or does not match the schema; `details.path` names the first problem.',
  refusal(parseUsageReport, {
    ...usageReportExample,
    bucket: { ...usageReportExample.bucket, toggles: { 'beta-program': { yes: -1, no: 0 } } },
  }),
  new MalformedJsonError(),
);
const badRegistration = errorResponse(
  'The body is not valid JSON or names no app; `details.path` names the problem.',
  refusal(checkRegistration, { instanceId: 'billing-1' }),
  new MalformedJsonError(),
);
const noSdkCredential = errorResponse(
  'Neither a valid client key nor a server-side SDK token.',
  missingSdkCredential(),
);
const tooLarge = errorResponse(
  'The body is larger than PROXY_BODY_LIMIT_BYTES.',
  new PayloadTooLargeError(102_400),
);
const notJson = errorResponse('The body is not application/json.', new UnsupportedMediaTypeError());

const SDK_CREDENTIALS = ['clientKey', 'serverToken'] as const;

export const postClientMetrics = defineRoute({
  method: 'post',
  path: '/proxy/client/metrics',
  operationId: 'postClientMetrics',
  summary: 'Usage counts from an SDK, forwarded to Unleash',
  description:
    'Frontend SDKs (client key) and backend SDKs (server-side SDK token) post here; the proxy adds the counts up and sends them to Unleash every METRICS_INTERVAL.',
  tag: 'Client API',
  security: SDK_CREDENTIALS,
  requestBody: {
    description: 'The counts since the last report.',
    schema: usageReportSchema,
    example: usageReportExample,
  },
  responses: {
    200: accepted,
    400: badReport,
    401: noSdkCredential,
    413: tooLarge,
    415: notJson,
  },
});

export const postAllClientMetrics = defineRoute({
  ...postClientMetrics,
  path: '/proxy/all/client/metrics',
  operationId: 'postAllClientMetrics',
  summary: 'Usage counts from a frontend SDK pointed at /proxy/all',
});

export const postClientRegister = defineRoute({
  method: 'post',
  path: '/proxy/client/register',
  operationId: 'postClientRegister',
  summary: 'An SDK announcing itself',
  description: 'Accepted and answered locally; the proxy registers itself with Unleash.',
  tag: 'Client API',
  security: SDK_CREDENTIALS,
  requestBody: {
    description: 'The SDK and its instance.',
    schema: registrationSchema,
    example: registrationExample,
  },
  responses: {
    200: accepted,
    400: badRegistration,
    401: noSdkCredential,
    413: tooLarge,
    415: notJson,
  },
});

const featuresExample = {
  version: 2,
  features: [
    {
      name: 'beta-program',
      enabled: true,
      strategies: [
        {
          name: 'flexibleRollout',
          parameters: { rollout: '50', stickiness: 'userId', groupId: 'beta-program' },
        },
      ],
      variants: [],
    },
  ],
  segments: [],
};

const featuresHeaders: HeadersObject = {
  ETag: {
    description: 'Changes when the flags change; send it back in If-None-Match.',
    schema: { type: 'string' },
  },
  'Cache-Control': { schema: { type: 'string', examples: ['no-cache'] } },
};

export const getClientFeatures = defineRoute({
  method: 'get',
  path: '/proxy/client/features',
  operationId: 'getClientFeatures',
  summary: 'The full flag configuration, for backend SDKs',
  description:
    'What Unleash would serve a backend SDK, filtered by UNLEASH_PROJECT_NAME and UNLEASH_NAME_PREFIX. Only for tokens of EXP_SERVER_SIDE_SDK_CONFIG_TOKENS, in the Authorization header or in CLIENT_KEY_HEADER_NAME.',
  tag: 'Client API',
  security: ['serverToken'],
  responses: {
    200: {
      ...jsonResponse('The flag configuration.', clientFeaturesSchema, featuresExample),
      headers: featuresHeaders,
    },
    304: { description: 'Nothing changed since the ETag sent in If-None-Match.' },
    401: errorResponse(
      'No valid server-side SDK token in Authorization or CLIENT_KEY_HEADER_NAME.',
      missingServerToken(),
    ),
    503: errorResponse('The flags are not loaded yet.', new NotReadyError()),
  },
});

export const CLIENT_ROUTES: readonly RouteDefinition[] = [
  postClientMetrics,
  postAllClientMetrics,
  postClientRegister,
  getClientFeatures,
];
