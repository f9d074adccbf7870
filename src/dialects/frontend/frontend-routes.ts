import Router from '@koa/router';
import type { Middleware } from 'koa';
import { EndpointDisabledError, NotFoundError } from '../../errors.js';
import type { ProxyState } from '../../http/state.js';
import { addRoute, type RouteDefinition } from '../../routing/define-route.js';
import {
  type EvaluationEndpoint,
  type EvaluationPipeline,
  evaluationHandler,
  type RequestReader,
} from '../evaluation-endpoint.js';
import {
  ALL_FLAGS,
  bodyReader,
  ENABLED_FLAGS,
  type ProxyReaderLimits,
  type ProxySelection,
  queryKey,
  queryReader,
  renderToggles,
} from '../proxy/proxy-dialect.js';
import { FRONTEND_ROUTES } from './frontend-definitions.js';

/** Unleash's frontend API sends no-cache: answers are per token, revalidated with the ETag. */
export const FRONTEND_CACHE_CONTROL = 'no-cache';

export interface FrontendRoutesDeps {
  readonly limits: ProxyReaderLimits;
  /** ENABLE_ALL_ENDPOINT (or Edge's DISABLE_ALL_ENDPOINT=false): otherwise /all answers 501. */
  readonly enableAllEndpoint: boolean;
  /** Its `flagSetOf` reads the request's grant (set by the token guard). */
  readonly pipeline: EvaluationPipeline;
  /** Rate limits and the frontend token guard, in order. */
  readonly guards: readonly Middleware<ProxyState>[];
  /** POST .../client/metrics, after the guards: records the counts for the grant's environment. */
  readonly recordUsage: Middleware<ProxyState>;
  /** POST .../client/register, after the guards. */
  readonly register: Middleware<ProxyState>;
}

/** The flag named in the path, alone, enabled or not: Edge's `/features/:name`. */
function featureReader(read: RequestReader<ProxySelection>): RequestReader<ProxySelection> {
  return async (ctx) => {
    const { context } = await read(ctx);
    const name = String(ctx.params.name ?? '');
    return { context, selection: { names: [name], onlyEnabled: false } };
  };
}

const featureEndpoint = (
  read: RequestReader<ProxySelection>,
): EvaluationEndpoint<ProxySelection> => ({
  read: featureReader(read),
  render: (toggles) => JSON.stringify(toggles[0] ?? null),
  cacheControl: FRONTEND_CACHE_CONTROL,
});

/**
 * Unleash's frontend API (and Edge's `/api/proxy` alias), answered for frontend tokens from
 * the flags of their environment, filtered to their projects: the same toggles JSON as
 * `/proxy`, the same reader, the same pipeline, a different credential and scope.
 */
export function frontendRoutes(deps: FrontendRoutesDeps): Router<ProxyState> {
  const { limits, pipeline, guards } = deps;
  const router = new Router<ProxyState>();
  const endpoint = (
    selection: ProxySelection,
    source: 'query' | 'body',
  ): EvaluationEndpoint<ProxySelection> =>
    source === 'query'
      ? {
          read: queryReader(selection, limits),
          readKey: queryKey,
          render: renderToggles,
          cacheControl: FRONTEND_CACHE_CONTROL,
        }
      : {
          read: bodyReader(selection, limits),
          render: renderToggles,
          cacheControl: FRONTEND_CACHE_CONTROL,
        };
  const requireAllEndpoint: Middleware<ProxyState> = async (_ctx, next) => {
    if (!deps.enableAllEndpoint) throw new EndpointDisabledError('ENABLE_ALL_ENDPOINT');
    await next();
  };
  // A flag outside the token's projects is as unknown as one that does not exist: 404.
  const requireKnownFlag: Middleware<ProxyState> = async (ctx, next) => {
    const flagSet = pipeline.flagSetOf(ctx);
    const name = String(ctx.params.name ?? '');
    if (flagSet !== undefined && !flagSet.snapshot.features.some((f) => f.name === name)) {
      throw new NotFoundError();
    }
    await next();
  };

  for (const route of FRONTEND_ROUTES) {
    const source = route.method === 'get' ? 'query' : 'body';
    const handlers = handlersFor(route, source);
    addRoute(router, route, ...handlers);
  }
  return router;

  function handlersFor(route: RouteDefinition, source: 'query' | 'body'): Middleware<ProxyState>[] {
    const path = route.path.replace(/^\/api\/(frontend|proxy)/, '');
    if (path.endsWith('/client/metrics')) return [...guards, deps.recordUsage];
    if (path.endsWith('/client/register')) return [...guards, deps.register];
    if (path === '/features/:name') {
      const read =
        source === 'query' ? queryReader(ALL_FLAGS, limits) : bodyReader(ALL_FLAGS, limits);
      return [...guards, requireKnownFlag, evaluationHandler(featureEndpoint(read), pipeline)];
    }
    if (path === '/all') {
      return [
        requireAllEndpoint,
        ...guards,
        evaluationHandler(endpoint(ALL_FLAGS, source), pipeline),
      ];
    }
    return [...guards, evaluationHandler(endpoint(ENABLED_FLAGS, source), pipeline)];
  }
}
