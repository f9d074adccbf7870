import { describe, expect, it } from 'vitest';
import { continentOfCountry } from '../../../src/context/location/continents.js';
import { readLocationRecord } from '../../../src/context/location/location-record.js';

describe('location records', () => {
  it("MaxMind's own layout (GeoIP2/GeoLite2 City)", () => {
    // The shape of a GeoLite2-City record, as MaxMind documents it.
    const record = {
      city: { geoname_id: 3143244, names: { de: 'Oslo', en: 'Oslo' } },
      continent: { code: 'EU', geoname_id: 6255148, names: { en: 'Europe' } },
      country: { geoname_id: 3144096, iso_code: 'NO', names: { en: 'Norway' } },
      location: { latitude: 59.9, longitude: 10.7, time_zone: 'Europe/Oslo' },
      registered_country: { iso_code: 'NO', names: { en: 'Norway' } },
      subdivisions: [{ iso_code: '03', names: { en: 'Oslo County' } }],
    };
    expect(readLocationRecord(record)).toEqual({
      country: 'NO',
      continent: 'EU',
      region: 'Oslo County',
      city: 'Oslo',
    });
  });

  it('MaxMind Country record without a country: the registered country', () => {
    expect(
      readLocationRecord({
        continent: { code: 'EU' },
        registered_country: { iso_code: 'SE', names: { en: 'Sweden' } },
      }),
    ).toEqual({ country: 'SE', continent: 'EU' });
  });

  it('the flat @ip-location-db layout; the continent from the country', () => {
    expect(
      readLocationRecord({
        city: 'Sundsvall',
        country_code: 'SE',
        postcode: '850 03',
        state1: 'Vasternorrland County',
        state2: '',
      }),
    ).toEqual({
      country: 'SE',
      continent: 'EU',
      region: 'Vasternorrland County',
      city: 'Sundsvall',
    });
    expect(readLocationRecord({ city: '', country_code: 'US', state1: '' })).toEqual({
      country: 'US',
      continent: 'NA',
    });
  });

  it('ASN records, both layouts', () => {
    expect(
      readLocationRecord({
        autonomous_system_number: 2119,
        autonomous_system_organization: 'Telenor Norge AS',
      }),
    ).toEqual({ asn: '2119' });
  });

  it('anything else is nothing, never an error', () => {
    for (const record of [
      null,
      undefined,
      42,
      'NO',
      [],
      { country: 'NO' },
      { city: { names: 3 } },
    ]) {
      expect(readLocationRecord(record)).toEqual({});
    }
  });
});

describe('continents of countries', () => {
  it.each([
    ['NO', 'EU'],
    ['us', 'NA'],
    ['BR', 'SA'],
    ['JP', 'AS'],
    ['ZA', 'AF'],
    ['AU', 'OC'],
    ['AQ', 'AN'],
    ['XX', undefined],
  ])('%s -> %s', (country, continent) => {
    expect(continentOfCountry(country)).toBe(continent);
  });
});
