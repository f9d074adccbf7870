import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.js';
import { compileValidator } from '../../../src/schemas/validator.js';

const validateLabels = compileValidator<unknown>({
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string' },
    labels: {
      type: 'object',
      additionalProperties: { type: 'string' },
      propertyNames: { minLength: 1 },
    },
  },
});

function rejection(value: unknown): AppError {
  try {
    validateLabels(value, '');
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the value to be refused');
}

describe('compileValidator', () => {
  it('cuts a caller-supplied key to 64 characters in the message and the details', () => {
    const key = 'k'.repeat(10_000);
    const error = rejection({ name: 'a', labels: { [key]: 1 } });
    const shown = `labels.${'k'.repeat(64)}…`;
    expect(error.message).toBe(`"${shown}" must be a string.`);
    expect(error.details).toEqual([{ field: shown, problem: 'must be a string' }]);
  });

  it('names a key made of digits as a key, a missing field and an empty key by name', () => {
    expect(rejection({ name: 'a', labels: { '0': 1 } }).details).toEqual([
      { field: 'labels.0', problem: 'must be a string' },
    ]);
    expect(rejection({}).message).toBe('"name" is required.');
    expect(rejection({ name: 'a', labels: { '': 'b' } }).details).toEqual([
      { field: 'labels.', problem: 'is not an accepted name' },
    ]);
  });
});
