import { CLIENT_API_ROUTES } from '../dialects/client-api/client-api-definitions.js';
import {
  FRONTEND_ROUTES,
  FRONTEND_STREAM_ROUTES,
} from '../dialects/frontend/frontend-definitions.js';
import { OFREP_ROUTES } from '../dialects/ofrep/ofrep-definitions.js';
import { PROXY_ROUTES } from '../dialects/proxy/proxy-definitions.js';
import { BACKSTAGE_ROUTES } from '../routes/backstage-definitions.js';
import { CLIENT_ROUTES } from '../routes/client-definitions.js';
import { HEALTH_ROUTES } from '../routes/health-definitions.js';
import { STREAM_ROUTES } from '../routes/stream-definitions.js';
import type { RouteDefinition } from '../routing/define-route.js';
import { DOCS_ROUTES } from './docs-definitions.js';

/**
 * Every route the proxy can mount, as documented in the OpenAPI document. A new route is
 * declared with `defineRoute` next to its router, mounted with `addRoute`, and its list added
 * here; `test/http/openapi-routes.test.ts` fails when a mounted route is missing or extra.
 */
export const ROUTE_DEFINITIONS: readonly RouteDefinition[] = [
  ...PROXY_ROUTES,
  ...OFREP_ROUTES,
  ...STREAM_ROUTES,
  ...FRONTEND_ROUTES,
  ...FRONTEND_STREAM_ROUTES,
  ...CLIENT_API_ROUTES,
  ...HEALTH_ROUTES,
  ...CLIENT_ROUTES,
  ...BACKSTAGE_ROUTES,
  ...DOCS_ROUTES,
];
