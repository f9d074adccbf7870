import type { HeadersObject } from 'openapi3-ts/oas31';
import {
  InvalidTokenError,
  NotReadyError,
  ScopeNotCoveredError,
  TokenValidationUnavailableError,
  UnauthorizedError,
  WrongTokenTypeError,
} from '../errors.js';
import { missingServerToken } from '../middleware/sdk-auth.js';
import { TooManyStreamsError } from '../push/sse-hub.js';
import {
  defineRoute,
  errorResponse,
  type ResponseDoc,
  type RouteDefinition,
} from '../routing/define-route.js';

const retryAfter: HeadersObject = {
  'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait.' },
};
/** The 200 of the "refetch" streams (/proxy/events, /api/frontend/events, OFREP's). */
export const refetchStream: ResponseDoc = {
  description: 'The event stream.',
  contentType: 'text/event-stream',
  schema: { type: 'string' },
  example:
    'id: "Xx3kqbT8bMBbq9Tv"\ndata: {"type":"refetchEvaluation","etag":"\\"Xx3kqbT8bMBbq9Tv\\"","lastModified":1771622898}\n\n',
};

/** The 429 of a stream past PROXY_STREAM_MAX_CONNECTIONS. */
export const tooManyStreams = {
  ...errorResponse(
    'This instance holds PROXY_STREAM_MAX_CONNECTIONS streams: poll instead.',
    new TooManyStreamsError(5),
  ),
  headers: retryAfter,
};
const notReady = errorResponse('The flags are not loaded yet.', new NotReadyError());

export const getProxyEvents = defineRoute({
  method: 'get',
  path: '/proxy/events',
  operationId: 'getProxyEvents',
  summary: 'Event stream: refetch when the flags change',
  description:
    'Server-sent events for Unleash frontend SDKs: a `message` event `{"type":"refetchEvaluation","etag":...,"lastModified":...}` whenever the flags change; call `updateToggles()` on it (see the README). Browsers pass the client key as `token` (EventSource sends no headers); other clients may send it in the client key header instead. Comment lines keep it alive; it ends after PROXY_STREAM_MAX_AGE_MS and the browser reconnects.',
  tag: 'Push',
  security: ['clientKey'],
  parameters: [
    {
      name: 'token',
      in: 'query',
      description: 'A client key, or the stream token of an OFREP answer.',
      schema: { type: 'string' },
    },
  ],
  responses: {
    200: refetchStream,
    401: errorResponse('No valid client key.', new UnauthorizedError()),
    429: tooManyStreams,
    503: notReady,
  },
});

const streamingDescription =
  "Unleash's streaming client API, as unleash-client 6.x uses it with `experimentalMode: { type: 'streaming' }`: an `unleash-connected` event with a hydration (every feature and segment), then an `unleash-updated` event per change with the features and segments that changed. Event ids are flag configuration tags; a reconnect with `Last-Event-ID` gets the changes it missed (PROXY_STREAM_HISTORY_SIZE, per scope) or a new hydration.";

const streamingAnswer = {
  description: 'The event stream.',
  contentType: 'text/event-stream',
  schema: { type: 'string' },
  example:
    'id: "Xx3kqbT8bMBbq9Tv"\nevent: unleash-connected\ndata: {"events":[{"type":"hydration","eventId":1,"features":[],"segments":[]}]}\n\n',
} as const;

export const getProxyClientStreaming = defineRoute({
  method: 'get',
  path: '/proxy/client/streaming',
  operationId: 'getProxyClientStreaming',
  summary: 'Streaming client API for backend SDKs',
  description: `${streamingDescription} The flags /proxy serves.`,
  tag: 'Push',
  security: ['serverToken'],
  responses: {
    200: streamingAnswer,
    401: errorResponse('No server-side SDK token in Authorization.', missingServerToken()),
    429: tooManyStreams,
    503: notReady,
  },
});

export const getApiClientStreaming = defineRoute({
  method: 'get',
  path: '/api/client/streaming',
  operationId: 'getApiClientStreaming',
  summary: "Streaming client API for backend SDKs: a backend token's flags",
  description: `${streamingDescription} With an Unleash backend token, the flags of its environment and projects (as /api/client/features), changes of other environments and projects never sent; with a server-side SDK token, the flags /proxy serves.`,
  tag: 'Push',
  security: ['backendToken', 'serverToken'],
  responses: {
    200: streamingAnswer,
    401: errorResponse(
      'Neither a server-side SDK token nor an Unleash backend token Unleash knows in Authorization.',
      new InvalidTokenError('An Unleash backend token is required in the Authorization header.'),
      new InvalidTokenError('The token is not a valid Unleash token.'),
    ),
    403: errorResponse(
      'A token of another kind, or one for projects/environment no configured backend token covers.',
      new WrongTokenTypeError('frontend', 'backend'),
      new ScopeNotCoveredError('[web,shop]:production'),
    ),
    429: tooManyStreams,
    503: errorResponse(
      'The flags (of the token scope) are not loaded yet, or Unleash cannot be asked about a new token.',
      new NotReadyError(),
      new TokenValidationUnavailableError(),
    ),
  },
});

export const STREAM_ROUTES: readonly RouteDefinition[] = [
  getProxyEvents,
  getProxyClientStreaming,
  getApiClientStreaming,
];
