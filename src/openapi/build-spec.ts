import {
  type MediaTypeObject,
  type OpenAPIObject,
  OpenApiBuilder,
  type OperationObject,
  type ParameterObject,
  type ResponseObject,
  type SchemaObject,
} from 'openapi3-ts/oas31';
import type { ProxyConfig } from '../config/load-config.js';
import {
  ofrepBulkSchema,
  ofrepErrorSchema,
  ofrepFailureSchema,
  ofrepRequestSchema,
  ofrepSuccessSchema,
} from '../dialects/ofrep/ofrep-schemas.js';
import { packageVersion } from '../package-root.js';
import type { ResponseDoc, RouteDefinition } from '../routing/define-route.js';
import {
  clientFeaturesSchema,
  registrationSchema,
  toggleUsageSchema,
  usageReportSchema,
} from '../schemas/client-schemas.js';
import {
  contextPropertiesSchema,
  contextSchema,
  contextValueSchema,
} from '../schemas/context-schema.js';
import { errorSchema } from '../schemas/error-schema.js';
import {
  proxyRequestSchema,
  toggleSchema,
  togglesResponseSchema,
  variantPayloadSchema,
  variantSchema,
} from '../schemas/proxy-schemas.js';
import { ROUTE_DEFINITIONS } from './route-docs.js';

export type SpecConfig = Pick<ProxyConfig, 'proxyBasePath' | 'clientKeysHeaderName'>;

/**
 * Schemas shown once under `components.schemas` and referenced from the operations. They are
 * the objects the validators compile, found by identity, so the document shows exactly them.
 */
const NAMED_SCHEMAS: ReadonlyMap<object, string> = new Map<SchemaObject, string>([
  [contextSchema, 'Context'],
  [contextPropertiesSchema, 'ContextProperties'],
  [contextValueSchema, 'ContextValue'],
  [proxyRequestSchema, 'ProxyRequest'],
  [togglesResponseSchema, 'TogglesResponse'],
  [toggleSchema, 'Toggle'],
  [variantSchema, 'Variant'],
  [variantPayloadSchema, 'VariantPayload'],
  [usageReportSchema, 'UsageReport'],
  [toggleUsageSchema, 'ToggleUsage'],
  [registrationSchema, 'Registration'],
  [clientFeaturesSchema, 'ClientFeatures'],
  [errorSchema, 'Error'],
  [ofrepErrorSchema, 'OfrepError'],
  [ofrepRequestSchema, 'OfrepRequest'],
  [ofrepSuccessSchema, 'OfrepEvaluation'],
  [ofrepFailureSchema, 'OfrepEvaluationFailure'],
  [ofrepBulkSchema, 'OfrepBulkEvaluation'],
]);

/** A deep copy in which every nested named schema becomes a `$ref`. */
function withReferences(value: unknown, isRoot = false): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const name = isRoot ? undefined : NAMED_SCHEMAS.get(value);
  if (name !== undefined) return { $ref: `#/components/schemas/${name}` };
  if (Array.isArray(value)) return value.map((item) => withReferences(item));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, withReferences(item)]),
  );
}

function schemaRef(schema: SchemaObject): SchemaObject {
  return withReferences(schema) as SchemaObject;
}

/** `/client/features/:name` in Koa is `/client/features/{name}` in OpenAPI. */
export function toOpenApiPath(koaPath: string): string {
  return koaPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function pathParameters(route: RouteDefinition): ParameterObject[] {
  const declared = new Set((route.parameters ?? []).map((parameter) => parameter.name));
  return [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)]
    .map((match) => match[1] ?? '')
    .filter((name) => !declared.has(name))
    .map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
}

function mediaType(doc: { schema?: SchemaObject; example?: unknown; examples?: object }) {
  const media: MediaTypeObject = {};
  if (doc.schema !== undefined) media.schema = schemaRef(doc.schema);
  if (doc.example !== undefined) media.example = doc.example;
  if (doc.examples !== undefined) {
    media.examples = Object.fromEntries(
      Object.entries(doc.examples).map(([name, value]) => [name, { value }]),
    );
  }
  return media;
}

function response(doc: ResponseDoc): ResponseObject {
  const result: ResponseObject = { description: doc.description };
  if (doc.headers !== undefined) result.headers = doc.headers;
  if (doc.contentType !== undefined) result.content = { [doc.contentType]: mediaType(doc) };
  return result;
}

function operation(route: RouteDefinition): OperationObject {
  const op: OperationObject = {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    security: route.security.map((scheme) => ({ [scheme]: [] })),
    responses: Object.fromEntries(
      Object.entries(route.responses).map(([status, doc]) => [status, response(doc)]),
    ),
  };
  if (route.description !== undefined) op.description = route.description;
  const parameters = [...pathParameters(route), ...(route.parameters ?? [])];
  if (parameters.length > 0) op.parameters = parameters;
  if (route.requestBody !== undefined) {
    op.requestBody = {
      description: route.requestBody.description,
      required: false,
      content: { 'application/json': mediaType(route.requestBody) },
    };
  }
  return op;
}

/** The OpenAPI 3.1 document for a configuration: its base path and client-key header. */
export function buildSpec(
  config: SpecConfig,
  routes: readonly RouteDefinition[] = ROUTE_DEFINITIONS,
): OpenAPIObject {
  const builder = OpenApiBuilder.create({
    openapi: '3.1.0',
    info: {
      title: 'Unleash Koa Proxy',
      version: packageVersion(),
      description:
        'Evaluates Unleash feature flags for frontend clients. Send a client key (UNLEASH_PROXY_CLIENT_KEYS) in the `' +
        `${config.clientKeysHeaderName}\` header. Every error has the same JSON shape (the Error schema).`,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    paths: {},
  })
    .addServer({
      url: config.proxyBasePath === '' ? '/' : config.proxyBasePath,
      description: 'This proxy (PROXY_BASE_PATH)',
    })
    .addSecurityScheme('clientKey', {
      type: 'apiKey',
      in: 'header',
      name: config.clientKeysHeaderName,
      description: 'A client key from UNLEASH_PROXY_CLIENT_KEYS, in CLIENT_KEY_HEADER_NAME.',
    })
    .addSecurityScheme('serverToken', {
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      description:
        'A server-side SDK token from EXP_SERVER_SIDE_SDK_CONFIG_TOKENS, for backend SDKs: in Authorization or, as the original proxy read it, in CLIENT_KEY_HEADER_NAME.',
    })
    .addSecurityScheme('ofrepApiKey', {
      type: 'apiKey',
      in: 'header',
      name: 'X-API-Key',
      description: 'OFREP: a client key in X-API-Key (a bare Authorization value works too).',
    })
    .addSecurityScheme('ofrepBearer', {
      type: 'http',
      scheme: 'bearer',
      description: 'OFREP: a client key as `Authorization: Bearer <key>`.',
    })
    .addSecurityScheme('frontendToken', {
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      description:
        'An Unleash frontend token (or a PRETRUSTED_TOKENS one), bare or as `Bearer <token>`, validated with Unleash.',
    })
    .addSecurityScheme('backendToken', {
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      description:
        'An Unleash backend (client) token, bare or as `Bearer <token>`, validated with Unleash.',
    });
  for (const [schema, name] of NAMED_SCHEMAS) {
    builder.addSchema(name, withReferences(schema, true) as SchemaObject);
  }
  for (const route of routes) {
    builder.addPath(toOpenApiPath(route.path), { [route.method]: operation(route) });
  }
  return builder.getSpec();
}
