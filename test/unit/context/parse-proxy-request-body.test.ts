import { describe, expect, it } from 'vitest';
import { parseProxyRequestBody } from '../../../src/context/build-context.js';
import { AppError } from '../../../src/errors.js';

function rejection(body: unknown): AppError {
  try {
    parseProxyRequestBody(body);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the body to be refused');
}

describe('parseProxyRequestBody, validated by the request schema', () => {
  it('reads loose keys as properties, an explicit property winning', () => {
    const { context } = parseProxyRequestBody({
      context: {
        userId: 'alice',
        country: 'SE',
        plan: 3,
        beta: true,
        properties: { country: 'NO' },
      },
    });
    expect(context.userId).toBe('alice');
    expect({ ...context.properties }).toEqual({ country: 'NO', plan: '3', beta: 'true' });
  });

  it('drops null fields, null properties and a null context', () => {
    const { context } = parseProxyRequestBody({
      context: { userId: null, properties: { a: null, b: 'x' }, c: null },
    });
    expect(context.userId).toBeUndefined();
    expect({ ...context.properties }).toEqual({ b: 'x' });
    expect(parseProxyRequestBody({ context: null, toggles: null })).toEqual({
      context: { properties: {} },
    });
  });

  it('drops a currentTime that is not text instead of refusing the request', () => {
    expect(parseProxyRequestBody({ context: { currentTime: 42 } }).context.currentTime).toBe(
      undefined,
    );
    expect(
      parseProxyRequestBody({ context: { currentTime: '2025-01-31T12:00:00Z' } }).context
        .currentTime,
    ).toBe('2025-01-31T12:00:00Z');
  });

  it('keeps a non-empty toggles list and ignores an empty one', () => {
    expect(parseProxyRequestBody({ toggles: ['a', 'b'] }).toggles).toEqual(['a', 'b']);
    expect(parseProxyRequestBody({ toggles: [] }).toggles).toBeUndefined();
  });

  it('refuses wrong types with a 400 naming every field', () => {
    const error = rejection({ context: { userId: {}, properties: { a: {} } }, toggles: [1] });
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe('"context.userId" must be a string, a number or a boolean.');
    expect(error.details).toEqual([
      { field: 'context.userId', problem: 'must be a string, a number or a boolean' },
      { field: 'context.properties.a', problem: 'must be a string, a number or a boolean' },
      { field: 'toggles[0]', problem: 'must be a string' },
    ]);
  });

  it('refuses a body that is not an object', () => {
    expect(rejection([1]).message).toBe('The request body must be an object.');
    expect(rejection({ context: 'alice' }).message).toBe('"context" must be an object.');
    expect(rejection({ toggles: 'a' }).message).toBe('"toggles" must be a list.');
  });
});
