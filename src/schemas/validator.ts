import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import type { SchemaObject } from 'openapi3-ts/oas31';
import { BadRequestError } from '../errors.js';

/** One problem found in a request, as listed in the error's `details`. */
export interface ValidationProblem {
  /** Where, in dotted form: `context.properties.country`, `toggles[0]`. */
  field: string;
  problem: string;
}

/** How the whole body is named when it is the problem. */
const ROOT = 'request body';

/** Enough problems to fix a request; a hostile body should not make a huge error. */
const MAX_PROBLEMS = 20;

/**
 * One Ajv instance for the process. Draft 2020-12 is the dialect of OpenAPI 3.1, so the schemas
 * mean the same to the validator and to the document. Validation never changes the input: no
 * defaults, no coercion, no removal; the parsers do the normalizing afterwards.
 */
const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, strict: true });

/** Checks a value against a schema compiled once; on failure, a 400 naming every field. */
export type Validator<T> = (value: unknown, where: string) => T;

export function compileValidator<T>(schema: SchemaObject): Validator<T> {
  const validate = ajv.compile<T>(schema);
  return (value, where) => {
    if (validate(value)) return value;
    const problems = (validate.errors ?? []).slice(0, MAX_PROBLEMS).map((error) => ({
      field: fieldName(where, error.instancePath),
      problem: describeProblem(error),
    }));
    const first = problems[0] ?? { field: ROOT, problem: 'is invalid' };
    const subject = first.field === ROOT ? 'The request body' : `"${first.field}"`;
    throw new BadRequestError(`${subject} ${first.problem}.`, problems);
  };
}

/** `/context/properties/a~1b` under `body` gives `context.properties.a/b`; `/toggles/0`, `toggles[0]`. */
function fieldName(where: string, instancePath: string): string {
  let name = where;
  for (const raw of instancePath.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(segment)) name += `[${segment}]`;
    else name = name === '' ? segment : `${name}.${segment}`;
  }
  return name === '' ? ROOT : name;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: 'an object',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
};

function describeProblem(error: ErrorObject): string {
  if (error.keyword !== 'type') return error.message ?? 'is invalid';
  const declared: unknown = error.params.type;
  const types = (Array.isArray(declared) ? declared : [declared]).filter(
    (type): type is string => typeof type === 'string' && type !== 'null',
  );
  const names = types.map((type) => TYPE_NAMES[type] ?? type);
  if (names.length <= 1) return `must be ${names[0] ?? 'null'}`;
  return `must be ${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}
