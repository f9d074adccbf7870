import type { HeadersObject, ParameterObject } from 'openapi3-ts/oas31';
import {
  type AppError,
  EndpointDisabledError,
  InvalidTokenError,
  MalformedJsonError,
  NotReadyError,
  PayloadTooLargeError,
  ScopeNotCoveredError,
  TokenValidationUnavailableError,
  TooManyRequestsError,
  UnsupportedMediaTypeError,
  WrongTokenTypeError,
} from '../../errors.js';
import { errorBody } from '../../middleware/error-handler.js';
import { ForbiddenCredentialError, missingOfrepCredential } from '../../middleware/ofrep-auth.js';
import { missingOfrepStreamCredential } from '../../middleware/stream-auth.js';
import { TooManyStreamsError } from '../../push/sse-hub.js';
import { refetchStream } from '../../routes/stream-definitions.js';
import {
  defineRoute,
  jsonResponse,
  type ResponseDoc,
  type RouteDefinition,
} from '../../routing/define-route.js';
import { FlagNotFoundError, OfrepRequestError, ofrepErrorCode } from './ofrep-errors.js';
import {
  ofrepBulkSchema,
  ofrepErrorSchema,
  ofrepRequestSchema,
  ofrepSuccessSchema,
} from './ofrep-schemas.js';

/** An error as OFREP routes answer it: the one error shape plus `errorCode` and `errorDetails`. */
export function ofrepErrorFields(error: AppError, key?: string): Record<string, unknown> {
  return {
    ...(key === undefined ? {} : { key }),
    errorCode: ofrepErrorCode(error),
    errorDetails: error.message,
  };
}

function ofrepError(description: string, errors: readonly AppError[], key?: string): ResponseDoc {
  const bodies = errors.map((error) => ({ ...ofrepErrorFields(error, key), ...errorBody(error) }));
  const [only] = bodies;
  return {
    description,
    contentType: 'application/json',
    schema: ofrepErrorSchema,
    ...(bodies.length === 1
      ? { example: only }
      : {
          examples: Object.fromEntries(errors.map((error, index) => [error.code, bodies[index]])),
        }),
  };
}

const exampleContext = {
  context: { targetingKey: 'user-123', plan: 'premium', country: 'NO' },
};

const requestBody = {
  description: 'The evaluation context.',
  schema: ofrepRequestSchema,
  example: exampleContext,
};

const retryAfterHeader: HeadersObject = {
  'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait.' },
};

function commonErrors(key?: string) {
  return {
    400: ofrepError(
      'The body is not JSON (PARSE_ERROR) or the context is not usable (INVALID_CONTEXT).',
      [
        new MalformedJsonError(),
        new OfrepRequestError('INVALID_CONTEXT', '"context" must be an object.'),
      ],
      key,
    ),
    401: ofrepError(
      'No credential, or neither a client key nor an Unleash token Unleash knows.',
      [missingOfrepCredential(), new InvalidTokenError('The token is not a valid Unleash token.')],
      key,
    ),
    403: ofrepError(
      'A server-side SDK token, an Unleash token of another kind, or one for projects/environment no configured backend token covers.',
      [
        new ForbiddenCredentialError(),
        new WrongTokenTypeError('backend', 'frontend'),
        new ScopeNotCoveredError('[web,shop]:production'),
      ],
      key,
    ),
    413: ofrepError('The body is larger than PROXY_BODY_LIMIT_BYTES.', [
      new PayloadTooLargeError(102_400),
    ]),
    415: ofrepError('The body is not application/json.', [new UnsupportedMediaTypeError()]),
    429: {
      ...ofrepError('Over PROXY_RATE_LIMIT_PER_KEY or PROXY_RATE_LIMIT_PER_IP.', [
        new TooManyRequestsError(1),
      ]),
      headers: retryAfterHeader,
    },
    503: ofrepError(
      "The flags (or the token's scope) are not loaded yet, or Unleash cannot be asked about a new token.",
      [new NotReadyError(), new TokenValidationUnavailableError()],
    ),
  };
}

const flagConfigEtagParameter: ParameterObject = {
  name: 'flagConfigEtag',
  in: 'query',
  description:
    'The `etag` of a `refetchEvaluation` event. When it names flags newer than this instance has, the answer waits (up to 2 s) for them.',
  schema: { type: 'string' },
};
const flagConfigLastModifiedParameter: ParameterObject = {
  name: 'flagConfigLastModified',
  in: 'query',
  description: 'The `lastModified` of a `refetchEvaluation` event; accepted, not needed.',
  schema: { type: 'string' },
};

export const evaluateOfrepFlag = defineRoute({
  method: 'post',
  path: '/ofrep/v1/evaluate/flags/:key',
  operationId: 'ofrepEvaluateFlag',
  summary: 'OFREP: evaluate one flag',
  description:
    'OpenFeature Remote Evaluation Protocol, for server-side providers. See the README for how Unleash flags map to OFREP values and reasons.',
  tag: 'OFREP',
  security: ['ofrepApiKey', 'ofrepBearer'],
  requestBody,
  responses: {
    200: jsonResponse('The flag, evaluated for the context.', ofrepSuccessSchema, {
      key: 'welcome-banner',
      value: { title: 'Good day' },
      reason: 'SPLIT',
      variant: 'formal',
      metadata: { enabled: true, impressionData: false, project: 'default', payloadType: 'json' },
    }),
    ...commonErrors('welcome-banner'),
    404: ofrepError(
      'No flag with this key.',
      [new FlagNotFoundError('welcome-banner')],
      'welcome-banner',
    ),
  },
});

export const evaluateOfrepFlags = defineRoute({
  method: 'post',
  path: '/ofrep/v1/evaluate/flags',
  operationId: 'ofrepEvaluateFlags',
  summary: 'OFREP: evaluate every flag',
  description:
    'OpenFeature Remote Evaluation Protocol, for client-side providers: every flag the caller may see, disabled ones included. The ETag covers the flags and the whole context; send it back in If-None-Match.',
  tag: 'OFREP',
  security: ['ofrepApiKey', 'ofrepBearer'],
  parameters: [
    {
      name: 'If-None-Match',
      in: 'header',
      description: 'The ETag of an earlier answer for the same context.',
      schema: { type: 'string' },
    },
    flagConfigEtagParameter,
    flagConfigLastModifiedParameter,
  ],
  requestBody,
  responses: {
    200: {
      ...jsonResponse('Every flag, evaluated for the context.', ofrepBulkSchema, {
        flags: [
          {
            key: 'new-checkout',
            value: true,
            reason: 'TARGETING_MATCH',
            variant: 'disabled',
            metadata: { enabled: true, impressionData: false, project: 'default' },
          },
        ],
        eventStreams: [
          {
            type: 'sse',
            endpoint: { requestUri: '/ofrep/v1/events?token=3q2-7w' },
            inactivityDelaySec: 120,
          },
        ],
      }),
      headers: {
        ETag: { schema: { type: 'string' }, description: 'Send it back in If-None-Match.' },
      },
    },
    304: { description: 'Nothing changed for this context since the ETag in If-None-Match.' },
    ...commonErrors(),
  },
});

export const ofrepEvents = defineRoute({
  method: 'get',
  path: '/ofrep/v1/events',
  operationId: 'ofrepEvents',
  summary: 'OFREP: event stream of flag changes',
  description:
    'Server-sent events (OFREP ADR 0008): a `message` event `{"type":"refetchEvaluation","etag":...,"lastModified":...}` whenever the flags of the caller change (for a frontend token, those of its environment and projects). The URL comes from `eventStreams` in a bulk answer: for a client key its `token` is derived from the key; for an Unleash frontend token it is the token itself (public by design), checked as on the frontend API. Comment lines keep the connection alive; streams end after PROXY_STREAM_MAX_AGE_MS and clients reconnect.',
  tag: 'OFREP',
  security: [],
  parameters: [
    {
      name: 'token',
      in: 'query',
      description:
        'The stream credential from `eventStreams`: the stream token of a client key, or an Unleash frontend token. Without it, the credential in Authorization or X-API-Key.',
      schema: { type: 'string' },
    },
  ],
  responses: {
    200: refetchStream,
    401: ofrepError(
      'No credential, or one neither a client key nor a frontend token known to Unleash.',
      [
        missingOfrepStreamCredential(),
        new InvalidTokenError('The token is not a valid Unleash token.'),
      ],
    ),
    403: ofrepError(
      'A server-side SDK token, an Unleash token of another kind, or a scope not covered.',
      [
        new ForbiddenCredentialError(),
        new WrongTokenTypeError('backend', 'frontend'),
        new ScopeNotCoveredError('[web,shop]:production'),
      ],
    ),
    501: ofrepError('PROXY_STREAMS_ENABLED=false.', [
      new EndpointDisabledError('PROXY_STREAMS_ENABLED'),
    ]),
    429: {
      ...ofrepError('This instance holds PROXY_STREAM_MAX_CONNECTIONS streams.', [
        new TooManyStreamsError(5),
      ]),
      headers: retryAfterHeader,
    },
    503: ofrepError(
      "The flags (or the token's scope) are not loaded yet, or Unleash cannot be asked about a new token.",
      [new NotReadyError(), new TokenValidationUnavailableError()],
    ),
  },
});

export const OFREP_ROUTES: readonly RouteDefinition[] = [
  evaluateOfrepFlag,
  evaluateOfrepFlags,
  ofrepEvents,
];
