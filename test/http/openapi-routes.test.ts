import Router from '@koa/router';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CLIENT_KEY } from '../../src/app.js';
import { buildSpec } from '../../src/openapi/build-spec.js';
import { errorSchema } from '../../src/schemas/error-schema.js';
import { togglesResponseSchema } from '../../src/schemas/proxy-schemas.js';
import { type RunningProxy, startProxy } from '../helpers/start-proxy.js';

const BASE = '/flags';

/** `GET /proxy`-style keys for every route the app's Koa routers hold, base path removed. */
function mountedRoutes(proxy: RunningProxy): string[] {
  const routes: string[] = [];
  for (const middleware of proxy.app.koa.middleware) {
    const router = (middleware as { router?: unknown }).router;
    if (!(router instanceof Router)) continue;
    for (const layer of router.stack) {
      const path = String(layer.path)
        .slice(BASE.length)
        .replace(/:(\w+)/g, '{$1}');
      for (const method of layer.methods) {
        if (method !== 'HEAD') routes.push(`${method} ${path}`);
      }
    }
  }
  return routes.sort();
}

function documentedRoutes(spec: ReturnType<typeof buildSpec>): string[] {
  return Object.entries(spec.paths ?? {})
    .flatMap(([path, item]) =>
      (['get', 'put', 'post', 'delete', 'patch'] as const)
        .filter((method) => item[method] !== undefined)
        .map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}

describe('OpenAPI document and Swagger UI with ENABLE_OAS under a base path', () => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await startProxy({ enableOAS: true, proxyBasePath: BASE, enableAllEndpoint: true });
  });
  afterAll(async () => {
    await proxy.stop();
  });

  it('documents every mounted route, and mounts every documented one', async () => {
    const response = await fetch(`${proxy.origin}${BASE}/docs/openapi.json`);
    expect(response.status).toBe(200);
    const spec = (await response.json()) as ReturnType<typeof buildSpec>;
    const mounted = mountedRoutes(proxy);
    const documented = documentedRoutes(spec);
    expect(mounted).toContain('GET /proxy');
    expect(mounted.filter((route) => !documented.includes(route))).toEqual([]);
    expect(documented.filter((route) => !mounted.includes(route))).toEqual([]);
  });

  it('serves the document built for this configuration', async () => {
    const response = await fetch(`${proxy.origin}${BASE}/docs/openapi.json`);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const spec = (await response.json()) as ReturnType<typeof buildSpec>;
    expect(spec).toEqual(buildSpec(proxy.app.config));
    expect(spec.servers?.[0]?.url).toBe(BASE);
  });

  it('serves Swagger UI at /docs/openapi, with and without the slash, from local files', async () => {
    for (const path of ['/docs/openapi', '/docs/openapi/']) {
      const response = await fetch(`${proxy.origin}${BASE}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const page = await response.text();
      const assets = [...page.matchAll(/(?:href|src)="([^"]+)"/g)].map((match) => match[1]);
      expect(assets).toContain(`${BASE}/docs/openapi/swagger-ui-bundle.js`);
      expect(assets.every((asset) => asset?.startsWith(`${BASE}/docs/openapi/`))).toBe(true);
      for (const asset of assets) {
        const file = await fetch(`${proxy.origin}${asset}`);
        expect(file.status, asset).toBe(200);
        expect((await file.arrayBuffer()).byteLength).toBeGreaterThan(0);
      }
    }
    const initializer = await fetch(`${proxy.origin}${BASE}/docs/openapi/swagger-initializer.js`);
    expect(await initializer.text()).toContain(`url: "${BASE}/docs/openapi.json"`);
  });

  it('answers 404 in the error shape for a file Swagger UI does not have', async () => {
    const response = await fetch(`${proxy.origin}${BASE}/docs/openapi/..%2F..%2Fpackage.json`);
    expect(response.status).toBe(404);
    const missing = await fetch(`${proxy.origin}${BASE}/docs/openapi/swagger-ui.js.map`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });

  it('answers in the documented shapes', async () => {
    const ajv = new Ajv2020({ allowUnionTypes: true, strict: false });
    const ok = await fetch(`${proxy.origin}${BASE}/proxy/all?userId=alice`, {
      headers: { authorization: DEMO_CLIENT_KEY },
    });
    expect(ok.status).toBe(200);
    const flags: unknown = await ok.json();
    expect(ajv.validate(togglesResponseSchema, flags), ajv.errorsText()).toBe(true);

    const refused = await fetch(`${proxy.origin}${BASE}/proxy`, {
      method: 'POST',
      headers: { authorization: DEMO_CLIENT_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ context: { userId: ['alice'] } }),
    });
    expect(refused.status).toBe(400);
    const error: unknown = await refused.json();
    expect(ajv.validate(errorSchema, error), ajv.errorsText()).toBe(true);
    expect(error).toMatchObject({
      code: 'BAD_REQUEST',
      message: '"context.userId" must be a string, a number or a boolean.',
      details: [{ field: 'context.userId', problem: 'must be a string, a number or a boolean' }],
    });
  });
});

describe('without ENABLE_OAS', () => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await startProxy();
  });
  afterAll(async () => {
    await proxy.stop();
  });

  it('serves neither the document nor Swagger UI', async () => {
    for (const path of ['/docs/openapi.json', '/docs/openapi', '/docs/openapi/swagger-ui.css']) {
      const response = await fetch(`${proxy.origin}${path}`);
      expect(response.status, path).toBe(404);
    }
  });
});
