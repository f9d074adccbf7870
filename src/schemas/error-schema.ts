import type { SchemaObject } from 'openapi3-ts/oas31';

/** The one JSON error shape every error response has (see middleware/error-handler.ts). */
export const errorSchema: SchemaObject = {
  type: 'object',
  required: ['statusCode', 'code', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer', description: 'The HTTP status, repeated.' },
    code: {
      type: 'string',
      description: 'A stable, machine-readable code.',
      examples: ['BAD_REQUEST'],
    },
    error: { type: 'string', description: 'The HTTP status text.', examples: ['Bad Request'] },
    message: { type: 'string', description: 'What went wrong, for people.' },
    details: {
      description:
        'Present on some errors. For an invalid request: a list of `{ field, problem }`, one per problem found; for an invalid usage report or registration, `{ path }` of the first problem, as the Unleash Proxy answered.',
      examples: [[{ field: 'context.userId', problem: 'must be a string' }]],
    },
  },
};
