import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { SchemaObject } from 'openapi3-ts/oas31';
import { describe, expect, it } from 'vitest';
import { buildSpec } from '../../../src/openapi/build-spec.js';
import { ROUTE_DEFINITIONS } from '../../../src/openapi/route-docs.js';
import { renderDefaultSpec, specFilePath } from '../../../src/openapi/spec-file.js';

async function validate(document: object) {
  const validator = new Validator();
  return validator.validate(structuredClone(document) as Record<string, unknown>);
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 for the default configuration', async () => {
    const result = await validate(
      buildSpec({ proxyBasePath: '', clientKeysHeaderName: 'authorization' }),
    );
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('is valid, and follows the configuration, with a base path and another key header', async () => {
    const spec = buildSpec({ proxyBasePath: '/flags', clientKeysHeaderName: 'x-client-key' });
    expect((await validate(spec)).valid).toBe(true);
    expect(spec.servers).toEqual([{ url: '/flags', description: expect.any(String) }]);
    expect(spec.components?.securitySchemes?.clientKey).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'x-client-key',
    });
    expect(spec.paths?.['/proxy']?.get?.security).toEqual([{ clientKey: [] }]);
    expect(spec.paths?.['/proxy/health']?.get?.security).toEqual([]);
  });

  it('references the one error schema from every error response', () => {
    const spec = buildSpec({ proxyBasePath: '', clientKeysHeaderName: 'authorization' });
    let errorResponses = 0;
    for (const pathItem of Object.values(spec.paths ?? {})) {
      for (const method of ['get', 'post'] as const) {
        for (const [status, response] of Object.entries(pathItem[method]?.responses ?? {})) {
          if (Number(status) < 400) continue;
          errorResponses += 1;
          // OFREP routes extend the one shape with OFREP's fields (OfrepError is Error plus them).
          expect([
            { $ref: '#/components/schemas/Error' },
            { $ref: '#/components/schemas/OfrepError' },
          ]).toContainEqual(response.content['application/json'].schema);
        }
      }
    }
    expect(errorResponses).toBeGreaterThan(10);
    expect((spec.components?.schemas?.OfrepError as SchemaObject | undefined)?.allOf?.[0]).toEqual({
      $ref: '#/components/schemas/Error',
    });
  });

  it('shows examples that match their own schemas', () => {
    const ajv = new Ajv2020({ allowUnionTypes: true, strict: false });
    let checked = 0;
    for (const route of ROUTE_DEFINITIONS) {
      const samples: [object, unknown][] = [];
      if (route.requestBody) samples.push([route.requestBody.schema, route.requestBody.example]);
      for (const response of Object.values(route.responses)) {
        if (response.schema === undefined) continue;
        if (response.example !== undefined) samples.push([response.schema, response.example]);
        for (const example of Object.values(response.examples ?? {})) {
          samples.push([response.schema, example]);
        }
      }
      for (const [schema, example] of samples) {
        const valid = ajv.validate(schema, example);
        expect(ajv.errors ?? [], `${route.operationId}: ${JSON.stringify(example)}`).toEqual([]);
        expect(valid).toBe(true);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(15);
  });

  it('is what openapi/openapi.json holds (run `npm run openapi` after changing a route)', () => {
    expect(readFileSync(specFilePath(), 'utf8')).toBe(renderDefaultSpec());
  });
});
