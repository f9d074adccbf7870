import type { LOCATION_PROPERTIES } from '../../config/context-options.js';
import { continentOfCountry } from './continents.js';

export type LocationProperty = (typeof LOCATION_PROPERTIES)[number];
export type Location = Partial<Record<LocationProperty, string>>;

type Lookup = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Lookup {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string, or a finite number as text; anything else counts as absent. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function field(record: unknown, key: string): unknown {
  return isRecord(record) ? record[key] : undefined;
}

/** MaxMind's `{ names: { en } }`: the English name, as the flat layout has it. */
function englishName(record: unknown): string | undefined {
  return textOf(field(field(record, 'names'), 'en'));
}

/**
 * Reads one database record in either layout users have: MaxMind's own (`country.iso_code`,
 * `continent.code`, `subdivisions[0].names.en`, `city.names.en`,
 * `autonomous_system_number`) or the flat one of @ip-location-db (`country_code`, `state1`,
 * `city`, `autonomous_system_number`). Region and city are English names in both, so that a
 * constraint keeps working when the database changes layout. The record comes from a file,
 * so every field is checked.
 */
export function readLocationRecord(record: unknown): Location {
  const location: Location = {};
  if (!isRecord(record)) return location;
  const country =
    textOf(field(record.country, 'iso_code')) ??
    textOf(field(record.registered_country, 'iso_code')) ??
    textOf(record.country_code);
  if (country !== undefined) location.country = country.toUpperCase();
  const continent =
    textOf(field(record.continent, 'code')) ??
    textOf(record.continent_code) ??
    (country === undefined ? undefined : continentOfCountry(country));
  if (continent !== undefined) location.continent = continent;
  const subdivisions = record.subdivisions;
  const region =
    (Array.isArray(subdivisions) ? englishName(subdivisions[0]) : undefined) ??
    textOf(record.state1);
  if (region !== undefined) location.region = region;
  const city = englishName(record.city) ?? textOf(record.city);
  if (city !== undefined) location.city = city;
  const asn = textOf(record.autonomous_system_number);
  if (asn !== undefined) location.asn = asn;
  return location;
}
