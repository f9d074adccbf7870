import {
  EndpointDisabledError,
  InvalidTokenError,
  NotFoundError,
  NotReadyError,
  ScopeNotCoveredError,
  TokenValidationUnavailableError,
  WrongTokenTypeError,
} from '../../errors.js';
import { postClientMetrics, postClientRegister } from '../../routes/client-definitions.js';
import { refetchStream, tooManyStreams } from '../../routes/stream-definitions.js';
import {
  defineRoute,
  errorResponse,
  type ResponseDoc,
  type RouteDefinition,
} from '../../routing/define-route.js';
import { toggleSchema } from '../../schemas/proxy-schemas.js';
import { getProxy, getProxyAll, postProxy, postProxyAll } from '../proxy/proxy-definitions.js';

/** Where frontend SDKs find the API: Unleash's path, and Edge's older alias. */
export const FRONTEND_PREFIXES = ['/api/frontend', '/api/proxy'] as const;

/** The token statuses of every Unleash-token route, as Unleash's own API answers them. */
export function tokenResponses(kind: 'frontend' | 'backend'): Record<number, ResponseDoc> {
  const other = kind === 'frontend' ? 'backend' : 'frontend';
  return {
    401: errorResponse(
      'No token, or one Unleash does not know, in Authorization (bare or `Bearer <token>`).',
      new InvalidTokenError(`An Unleash ${kind} token is required in the Authorization header.`),
      new InvalidTokenError('The token is not a valid Unleash token.'),
    ),
    403: errorResponse(
      'A token of another kind, or one for projects/environment no configured backend token covers.',
      new WrongTokenTypeError(other, kind),
      new ScopeNotCoveredError('[web,shop]:production'),
    ),
    503: errorResponse(
      'The flags of the scope are not loaded yet, or Unleash cannot be asked about a new token.',
      new TokenValidationUnavailableError(),
    ),
  };
}

const single = {
  description: 'One flag, evaluated for the context, enabled or not.',
  contentType: 'application/json',
  schema: toggleSchema,
} satisfies ResponseDoc;

/** A proxy route's documentation on a frontend path, with the frontend token's statuses. */
function onPath(
  base: RouteDefinition,
  path: string,
  operationId: string,
  extra: Partial<RouteDefinition> = {},
): RouteDefinition {
  const { 401: _key, 501: _disabled, ...responses } = base.responses;
  return defineRoute({
    ...base,
    path,
    operationId,
    tag: 'Frontend API',
    security: ['frontendToken'],
    ...extra,
    responses: { ...responses, ...tokenResponses('frontend'), ...(extra.responses ?? {}) },
  });
}

function routesUnder(prefix: string, id: string): RouteDefinition[] {
  const featureName = {
    responses: {
      200: single,
      404: errorResponse('No such flag among the token projects.', new NotFoundError()),
    },
  };
  return [
    onPath(getProxy, prefix, `get${id}`),
    onPath(postProxy, prefix, `post${id}`),
    onPath(getProxyAll, `${prefix}/all`, `get${id}All`, {
      description: 'Every flag of the token projects; answers only when ENABLE_ALL_ENDPOINT=true.',
    }),
    onPath(postProxyAll, `${prefix}/all`, `post${id}All`),
    onPath(getProxy, `${prefix}/features/:name`, `get${id}Feature`, {
      summary: 'One flag, enabled or not, for a context given in the query',
      ...featureName,
    }),
    onPath(postProxy, `${prefix}/features/:name`, `post${id}Feature`, {
      summary: 'One flag, enabled or not, for a context given as JSON',
      ...featureName,
    }),
    ...['', '/all'].flatMap((all) => [
      onPath(
        postClientMetrics,
        `${prefix}${all}/client/metrics`,
        `post${id}${all ? 'All' : ''}Metrics`,
        {
          description:
            'Usage counts, forwarded to Unleash with a backend token of the token environment. Answers 200, as Unleash does.',
        },
      ),
      onPath(
        postClientRegister,
        `${prefix}${all}/client/register`,
        `post${id}${all ? 'All' : ''}Register`,
      ),
    ]),
  ];
}

export const FRONTEND_ROUTES: readonly RouteDefinition[] = [
  ...routesUnder('/api/frontend', 'Frontend'),
  ...routesUnder('/api/proxy', 'EdgeProxy'),
];

/** The "refetch" stream next to a frontend prefix. */
function eventsUnder(prefix: string, id: string): RouteDefinition {
  return defineRoute({
    method: 'get',
    path: `${prefix}/events`,
    operationId: `get${id}Events`,
    summary: "Event stream: refetch when the token's flags change",
    description:
      'Server-sent events for Unleash frontend SDKs with a frontend token: a `message` event `{"type":"refetchEvaluation","etag":...,"lastModified":...}` whenever the flags of the token\'s environment and projects change (a change elsewhere sends nothing); call `updateToggles()` on it (see the README). Browsers pass the token as `token` in the URL (EventSource sends no headers; frontend tokens are public by design); other clients may send it in Authorization. Checked as on the frontend API: the same statuses and bodies. Comment lines keep it alive; it ends after PROXY_STREAM_MAX_AGE_MS and the browser reconnects. Not an Unleash or Edge path: this proxy\'s own.',
    tag: 'Push',
    security: ['frontendToken'],
    parameters: [
      {
        name: 'token',
        in: 'query',
        description: 'The frontend token, when it is not sent in Authorization.',
        schema: { type: 'string' },
      },
    ],
    responses: {
      200: refetchStream,
      ...tokenResponses('frontend'),
      429: tooManyStreams,
      501: errorResponse(
        'PROXY_STREAMS_ENABLED=false.',
        new EndpointDisabledError('PROXY_STREAMS_ENABLED'),
      ),
      503: errorResponse(
        'The flags are not loaded yet, or Unleash cannot be asked about a new token.',
        new NotReadyError(),
        new TokenValidationUnavailableError(),
      ),
    },
  });
}

/** The event streams next to the frontend API, mounted with the other streams. */
export const FRONTEND_STREAM_ROUTES: readonly RouteDefinition[] = [
  eventsUnder('/api/frontend', 'Frontend'),
  eventsUnder('/api/proxy', 'EdgeProxy'),
];
