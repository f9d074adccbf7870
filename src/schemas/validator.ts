import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import type { SchemaObject } from 'openapi3-ts/oas31';
import { BadRequestError } from '../errors.js';
import { shortName } from '../http/caller-names.js';

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

export interface ValidatorOptions {
  /**
   * What the 400 carries in `details`; by default the list of problems. For endpoints whose
   * error shape predates the shared validator (usage reports: `{ path }` of the first one).
   */
  readonly details?: (problems: readonly [ValidationProblem, ...ValidationProblem[]]) => unknown;
}

export function compileValidator<T>(
  schema: SchemaObject,
  options: ValidatorOptions = {},
): Validator<T> {
  const validate = ajv.compile<T>(schema);
  const details = options.details ?? ((problems) => problems);
  return (value, where) => {
    if (validate(value)) return value;
    // A `propertyNames` error only repeats the one about the name, listed on its own.
    const errors = (validate.errors ?? []).filter((error) => error.keyword !== 'propertyNames');
    const found = errors.slice(0, MAX_PROBLEMS).map((error) => ({
      field: fieldName(where, error, value),
      problem: describeProblem(error),
    }));
    const problems: [ValidationProblem, ...ValidationProblem[]] = [
      found[0] ?? { field: ROOT, problem: 'is invalid' },
      ...found.slice(1),
    ];
    const first = problems[0];
    const subject = first.field === ROOT ? 'The request body' : JSON.stringify(first.field);
    throw new BadRequestError(`${subject} ${first.problem}.`, details(problems));
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * `/context/properties/a~1b` under `body` gives `context.properties.a/b`; `/toggles/0`,
 * `toggles[0]`. The value is walked alongside, so a key made of digits is still a key. Every
 * key comes from the caller, so each is cut short: a huge key must not fill the error.
 */
function fieldName(where: string, error: ErrorObject, value: unknown): string {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'));
  // A missing field, or a refused key, is named one level below where Ajv points.
  const named = error.propertyName ?? error.params.missingProperty;
  if (typeof named === 'string') segments.push(named);
  let name = where;
  let current = value;
  for (const segment of segments) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) name += `[${segment}]`;
    else name = name === '' ? shortName(segment) : `${name}.${shortName(segment)}`;
    current = isRecord(current) ? current[segment] : undefined;
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

/** Ajv's messages name only schema values, never the caller's data, so they are safe to show. */
function describeProblem(error: ErrorObject): string {
  const limit: unknown = error.params.limit;
  if (error.keyword === 'required') return 'is required';
  if (error.propertyName !== undefined) return 'is not an accepted name';
  if (error.keyword === 'minimum' && typeof limit === 'number') return `must be at least ${limit}`;
  if (error.keyword === 'maximum' && typeof limit === 'number') return `must be at most ${limit}`;
  if (error.keyword === 'minLength' && limit === 1) return 'must not be empty';
  if (error.keyword !== 'type') return error.message ?? 'is invalid';
  const declared: unknown = error.params.type;
  const types = (Array.isArray(declared) ? declared : [declared]).filter(
    (type): type is string => typeof type === 'string' && type !== 'null',
  );
  const names = types.map((type) => TYPE_NAMES[type] ?? type);
  if (names.length <= 1) return `must be ${names[0] ?? 'null'}`;
  return `must be ${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}
