import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The files of swagger-ui-dist the page needs, with their media types. Nothing from a CDN. */
const DIST_FILES = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
} as const;

/** Ours, generated: starts Swagger UI on the proxy's own document. */
const INITIALIZER = 'swagger-initializer.js';

/** Every file served under `/docs/openapi/`, for the router and the document alike. */
export const SWAGGER_UI_FILE_NAMES: readonly string[] = [...Object.keys(DIST_FILES), INITIALIZER];

export interface StaticFile {
  readonly type: string;
  readonly body: Buffer | string;
}

export interface SwaggerUi {
  /** The HTML page, for `/docs/openapi` and `/docs/openapi/`. */
  readonly page: string;
  readonly files: ReadonlyMap<string, StaticFile>;
}

function distFolder(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('swagger-ui-dist/package.json'));
}

/**
 * Loads Swagger UI once, at boot. Every URL in the page is absolute and includes the base
 * path, so the page works at `/docs/openapi` with or without a trailing slash and under
 * PROXY_BASE_PATH (which the original proxy got wrong).
 */
export function loadSwaggerUi(uiPath: string, specUrl: string): SwaggerUi {
  const folder = distFolder();
  const files = new Map<string, StaticFile>();
  for (const [name, type] of Object.entries(DIST_FILES)) {
    files.set(name, { type, body: readFileSync(join(folder, name)) });
  }
  files.set(INITIALIZER, { type: 'text/javascript; charset=utf-8', body: initializer(specUrl) });
  return { page: page(uiPath), files };
}

function initializer(specUrl: string): string {
  return `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(specUrl)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;
}

/** `uiPath` comes from PROXY_BASE_PATH, which only allows URL-safe path characters. */
function page(uiPath: string): string {
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>Unleash Koa Proxy API</title>
    <link rel="stylesheet" type="text/css" href="${uiPath}/swagger-ui.css">
    <link rel="stylesheet" type="text/css" href="${uiPath}/index.css">
    <link rel="icon" type="image/png" href="${uiPath}/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="${uiPath}/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${uiPath}/swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="${uiPath}/${INITIALIZER}" charset="UTF-8"></script>
  </body>
</html>
`;
}
