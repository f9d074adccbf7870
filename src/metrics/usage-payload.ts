import { BadRequestError } from '../errors.js';

/**
 * The largest count accepted for one counter (yes, no or one variant) of one flag in one
 * request. A browser SDK reports every 30 s and a backend SDK every 60 s; a billion
 * evaluations of one flag in such a window (over 16 million a second) is not real traffic.
 * The cap also keeps every running total a safe integer for a very long time.
 */
export const MAX_COUNT_PER_REQUEST = 1_000_000_000;

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

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(path: string, expected: string): BadRequestError {
  return new BadRequestError(`"${path}" must be ${expected}.`, { path });
}

function count(value: unknown, path: string): number {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 0 ||
    value > MAX_COUNT_PER_REQUEST
  ) {
    throw invalid(path, `a whole number from 0 to ${MAX_COUNT_PER_REQUEST}`);
  }
  return value;
}

function optionalString(body: Record<string, unknown>, key: string): void {
  if (body[key] !== undefined && typeof body[key] !== 'string') throw invalid(key, 'a string');
}

function optionalTime(bucket: Record<string, unknown>, key: 'start' | 'stop'): void {
  const value = bucket[key];
  if (value === undefined || value === null) return;
  const time = typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
  if (time === null || Number.isNaN(time.getTime())) throw invalid(`bucket.${key}`, 'a date');
}

/**
 * Checks a usage report as unleash-proxy-client and unleash-client post it:
 * `{ appName, instanceId?, environment?, bucket: { start, stop, toggles: { [flag]: { yes,
 * no, variants? } } } }`. Other keys (connectionId, platformName, impactMetrics, ...) are
 * allowed and ignored. Work is proportional to the size of the body, never to the counts.
 */
export function parseUsageReport(body: unknown): UsageReport {
  if (!isPlainObject(body)) throw new BadRequestError('The request body must be a JSON object.');
  if (typeof body.appName !== 'string' || body.appName === '') {
    throw invalid('appName', 'a non-empty string');
  }
  optionalString(body, 'instanceId');
  optionalString(body, 'environment');
  const bucket = body.bucket;
  if (!isPlainObject(bucket)) throw invalid('bucket', 'an object');
  optionalTime(bucket, 'start');
  optionalTime(bucket, 'stop');
  if (!isPlainObject(bucket.toggles)) throw invalid('bucket.toggles', 'an object');

  const toggles: ToggleUsage[] = [];
  for (const [name, entry] of Object.entries(bucket.toggles)) {
    const path = `bucket.toggles.${name}`;
    if (name === '') throw invalid(path, 'named');
    if (!isPlainObject(entry)) throw invalid(path, 'an object');
    const variants: [string, number][] = [];
    if (entry.variants !== undefined && entry.variants !== null) {
      if (!isPlainObject(entry.variants)) throw invalid(`${path}.variants`, 'an object');
      for (const [variant, value] of Object.entries(entry.variants)) {
        variants.push([variant, count(value, `${path}.variants.${variant}`)]);
      }
    }
    toggles.push({
      name,
      yes: count(entry.yes ?? 0, `${path}.yes`),
      no: count(entry.no ?? 0, `${path}.no`),
      variants,
    });
  }
  return { appName: body.appName, toggles };
}

/** POST /client/register: accepted when it is an object naming its app; the rest is free. */
export function checkRegistration(body: unknown): void {
  if (!isPlainObject(body)) throw new BadRequestError('The request body must be a JSON object.');
  if (typeof body.appName !== 'string' || body.appName === '') {
    throw invalid('appName', 'a non-empty string');
  }
}
