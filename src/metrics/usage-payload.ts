import { BadRequestError } from '../errors.js';
import {
  MAX_COUNT_PER_REQUEST,
  registrationSchema,
  type UsageReportInput,
  usageReportSchema,
} from '../schemas/client-schemas.js';
import { compileValidator, type ValidatorOptions } from '../schemas/validator.js';

export { MAX_COUNT_PER_REQUEST };

/** The counts reported for one flag. */
export interface ToggleUsage {
  readonly name: string;
  readonly yes: number;
  readonly no: number;
  readonly variants: readonly (readonly [string, number])[];
}

export interface UsageReport {
  readonly appName: string;
  readonly toggles: readonly ToggleUsage[];
}

/** These endpoints answered `details: { path }` before the shared validator; SDKs may read it. */
const firstPath: ValidatorOptions = { details: ([first]) => ({ path: first.field }) };

/** Compiled once, at import: the same schema objects the OpenAPI document shows. */
const validateUsageReport = compileValidator<UsageReportInput>(usageReportSchema, firstPath);
const validateRegistration = compileValidator<unknown>(registrationSchema, firstPath);

/** JSON Schema can say "a string or a number" but not "one `Date` can read". */
function checkTime(value: string | number | null | undefined, path: string): void {
  if (value === undefined || value === null) return;
  if (Number.isNaN(new Date(value).getTime())) {
    throw new BadRequestError(`"${path}" must be a date.`, { path });
  }
}

/**
 * Checks a usage report against `usageReportSchema`, as unleash-proxy-client and
 * unleash-client post it, and lists its counts. Work is proportional to the size of the body,
 * never to the counts.
 */
export function parseUsageReport(body: unknown): UsageReport {
  const report = validateUsageReport(body, '');
  checkTime(report.bucket.start, 'bucket.start');
  checkTime(report.bucket.stop, 'bucket.stop');
  const toggles = Object.entries(report.bucket.toggles).map(
    ([name, entry]): ToggleUsage => ({
      name,
      yes: entry.yes ?? 0,
      no: entry.no ?? 0,
      variants: Object.entries(entry.variants ?? {}),
    }),
  );
  return { appName: report.appName, toggles };
}

/** POST /client/register: accepted when it is an object naming its app; the rest is free. */
export function checkRegistration(body: unknown): void {
  validateRegistration(body, '');
}
