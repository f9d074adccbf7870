import Router from '@koa/router';
import { NotFoundError } from '../errors.js';
import type { ProxyState } from '../http/state.js';
import { addRoute } from '../routing/define-route.js';
import type { SpecConfig } from './build-spec.js';
import { buildSpec } from './build-spec.js';
import {
  getOpenApiDocument,
  getSwaggerUi,
  getSwaggerUiFile,
  getSwaggerUiWithSlash,
} from './docs-definitions.js';
import { loadSwaggerUi } from './swagger-ui.js';

/**
 * ENABLE_OAS: the OpenAPI document and Swagger UI. Both are built once, here; the document
 * describes this configuration (base path, client-key header).
 */
export function docsRoutes(config: SpecConfig): Router<ProxyState> {
  const document = JSON.stringify(buildSpec(config));
  const uiPath = `${config.proxyBasePath}/docs/openapi`;
  const ui = loadSwaggerUi(uiPath, `${config.proxyBasePath}/docs/openapi.json`);
  const router = new Router<ProxyState>();

  addRoute(router, getOpenApiDocument, (ctx) => {
    ctx.type = 'application/json';
    ctx.body = document;
  });
  for (const route of [getSwaggerUi, getSwaggerUiWithSlash]) {
    addRoute(router, route, (ctx) => {
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = ui.page;
    });
  }
  addRoute(router, getSwaggerUiFile, (ctx) => {
    const file = ui.files.get(ctx.params.file ?? '');
    if (file === undefined) throw new NotFoundError();
    ctx.type = file.type;
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = file.body;
  });
  return router;
}
