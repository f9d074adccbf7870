import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { HeadersObject, ParameterObject, SchemaObject } from 'openapi3-ts/oas31';
import type { AppError } from '../errors.js';
import type { ProxyState } from '../http/state.js';
import { errorBody } from '../middleware/error-handler.js';
import { errorSchema } from '../schemas/error-schema.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The security schemes `build-spec.ts` declares. */
export type SecuritySchemeName =
  | 'clientKey'
  | 'serverToken'
  | 'ofrepApiKey'
  | 'ofrepBearer'
  | 'frontendToken'
  | 'backendToken';

export interface ResponseDoc {
  readonly description: string;
  /** Media type of the body; leave out for a response without one, such as 304. */
  readonly contentType?: string;
  readonly schema?: SchemaObject;
  /** One example body, or several by name. */
  readonly example?: unknown;
  readonly examples?: Readonly<Record<string, unknown>>;
  readonly headers?: HeadersObject;
}

export interface RequestBodyDoc {
  readonly description: string;
  /** The schema the route validates the body against: the same object, not a copy. */
  readonly schema: SchemaObject;
  readonly example: unknown;
}

/**
 * Everything about one route in one place: how it is mounted (method, path) and how it is
 * documented (summary, inputs, every status it can answer). `addRoute` mounts it, the spec
 * builder documents it, and a test checks that the routers and the document agree.
 */
export interface RouteDefinition {
  readonly method: HttpMethod;
  /** Koa path relative to PROXY_BASE_PATH, e.g. `/proxy` or `/client/features/:name`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  /**
   * Credentials accepted, any one of them: a client key in CLIENT_KEY_HEADER_NAME, a server-side
   * SDK token in Authorization; empty for an open route.
   */
  readonly security: readonly SecuritySchemeName[];
  /** Query and header parameters; path parameters are derived from `:name` segments. */
  readonly parameters?: readonly ParameterObject[];
  readonly requestBody?: RequestBodyDoc;
  readonly responses: Readonly<Record<number, ResponseDoc>>;
}

/** Declares a route; the identity function, there for type checking and for grep. */
export function defineRoute(route: RouteDefinition): RouteDefinition {
  return route;
}

/**
 * Mounts a defined route on a router, with its guards and handler in order. They are chained
 * into one middleware here, once: the router composes a matched route's stack anew on every
 * request (koa-compose: a dispatcher, a bound `next` and a promise per step), so a route with
 * three guards paid that for four steps on every call, a 304 included.
 */
export function addRoute(
  router: Router<ProxyState>,
  route: RouteDefinition,
  ...middleware: Middleware<ProxyState>[]
): void {
  router.register(route.path, [route.method.toUpperCase()], [chainOnce(middleware)], {
    name: route.operationId,
  });
}

/**
 * The steps as one middleware, each calling the rest as its `next`, built at boot. Each step
 * gets a `next` it may call once: a guard passes or throws, a handler answers. A synchronous
 * throw reaches the router's own compose, which turns it into a rejection as before.
 */
export function chainOnce(steps: readonly Middleware<ProxyState>[]): Middleware<ProxyState> {
  const [first, ...rest] = steps;
  if (first === undefined) return (_ctx, next) => next();
  if (rest.length === 0) return first;
  const tail = chainOnce(rest);
  return (ctx, next) => first(ctx, () => tail(ctx, next));
}

/** A JSON success body. */
export function jsonResponse(description: string, schema: SchemaObject, example: unknown) {
  return { description, contentType: 'application/json', schema, example } satisfies ResponseDoc;
}

/**
 * An error status, in the one error shape. The examples are rendered from real error objects,
 * so they show exactly what the error middleware writes.
 */
export function errorResponse(description: string, ...errors: readonly AppError[]): ResponseDoc {
  const response = { description, contentType: 'application/json', schema: errorSchema };
  const [only, ...more] = errors;
  if (only === undefined) return response;
  if (more.length === 0) return { ...response, example: errorBody(only) };
  return {
    ...response,
    examples: Object.fromEntries(errors.map((error) => [error.code, errorBody(error)])),
  };
}
