import type { HeadersObject } from 'openapi3-ts/oas31';
import { NotReadyError, UnauthorizedError } from '../errors.js';
import { missingServerToken } from '../middleware/sdk-auth.js';
import { TooManyStreamsError } from '../push/sse-hub.js';
import { defineRoute, errorResponse, type RouteDefinition } from '../routing/define-route.js';

const retryAfter: HeadersObject = {
  'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait.' },
};
const tooMany = {
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
    200: {
      description: 'The event stream.',
      contentType: 'text/event-stream',
      schema: { type: 'string' },
      example:
        'id: "Xx3kqbT8bMBbq9Tv"\ndata: {"type":"refetchEvaluation","etag":"\\"Xx3kqbT8bMBbq9Tv\\"","lastModified":1771622898}\n\n',
    },
    401: errorResponse('No valid client key.', new UnauthorizedError()),
    429: tooMany,
    503: notReady,
  },
});

function clientStreaming(path: string, operationId: string) {
  return defineRoute({
    method: 'get',
    path,
    operationId,
    summary: 'Streaming client API for backend SDKs',
    description:
      "Unleash's streaming client API, as unleash-client 6.x uses it with `experimentalMode: { type: 'streaming' }`: an `unleash-connected` event with a hydration (every feature and segment), then an `unleash-updated` event per change with the features and segments that changed. Event ids are flag configuration tags; a reconnect with `Last-Event-ID` gets the changes it missed (PROXY_STREAM_HISTORY_SIZE) or a new hydration.",
    tag: 'Push',
    security: ['serverToken'],
    responses: {
      200: {
        description: 'The event stream.',
        contentType: 'text/event-stream',
        schema: { type: 'string' },
        example:
          'id: "Xx3kqbT8bMBbq9Tv"\nevent: unleash-connected\ndata: {"events":[{"type":"hydration","eventId":1,"features":[],"segments":[]}]}\n\n',
      },
      401: errorResponse('No server-side SDK token in Authorization.', missingServerToken()),
      429: tooMany,
      503: notReady,
    },
  });
}

export const getProxyClientStreaming = clientStreaming(
  '/proxy/client/streaming',
  'getProxyClientStreaming',
);
export const getApiClientStreaming = clientStreaming(
  '/api/client/streaming',
  'getApiClientStreaming',
);

export const STREAM_ROUTES: readonly RouteDefinition[] = [
  getProxyEvents,
  getProxyClientStreaming,
  getApiClientStreaming,
];
