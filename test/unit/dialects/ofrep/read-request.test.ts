import { describe, expect, it } from 'vitest';
import { readOfrepContext } from '../../../../src/dialects/ofrep/read-request.js';

describe('readOfrepContext', () => {
  it('maps targetingKey to userId, attributes to properties, standard fields to themselves', () => {
    expect(
      readOfrepContext({
        context: {
          targetingKey: 'u1',
          sessionId: 's',
          plan: 'gold',
          seats: 3,
          beta: true,
          nested: { a: 1 },
          list: [1],
          properties: { plan: 'silver' },
        },
      }),
    ).toEqual({
      userId: 'u1',
      sessionId: 's',
      properties: { plan: 'silver', seats: '3', beta: 'true' },
    });
  });

  it('lets an explicit userId win over targetingKey, in any key order', () => {
    expect(readOfrepContext({ context: { userId: 'a', targetingKey: 'b' } }).userId).toBe('a');
    expect(readOfrepContext({ context: { targetingKey: 'b', userId: 'a' } }).userId).toBe('a');
  });

  it('reads a missing context as empty', () => {
    expect(readOfrepContext({})).toEqual({ properties: {} });
  });

  it.each([
    ['a body that is no object', []],
    ['a context that is no object', { context: 'x' }],
    ['a targetingKey that is no string', { context: { targetingKey: true } }],
    ['a standard field that is no string', { context: { sessionId: { a: 1 } } }],
  ])('refuses %s with INVALID_CONTEXT', (_what, body) => {
    expect(() => readOfrepContext(body)).toThrow(
      expect.objectContaining({ errorCode: 'INVALID_CONTEXT' }),
    );
  });

  it('keeps __proto__ as plain data', () => {
    const context = readOfrepContext(JSON.parse('{"context":{"__proto__":"x"}}'));
    expect(Object.entries(context.properties)).toEqual([['__proto__', 'x']]);
    expect(Object.getPrototypeOf(context.properties)).toBeNull();
  });
});
