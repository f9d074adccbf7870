import { option } from './option-spec.js';
import { boolean, oneOf, ParseError, type Parser, stringList, text } from './parsers.js';

/** The context properties the proxy can derive itself, under their default names. */
export const LOCATION_PROPERTIES = ['country', 'continent', 'region', 'city', 'asn'] as const;
export const DEVICE_PROPERTIES = [
  'browser',
  'browserVersion',
  'os',
  'osVersion',
  'deviceType',
] as const;
export type DerivedProperty =
  | (typeof LOCATION_PROPERTIES)[number]
  | (typeof DEVICE_PROPERTIES)[number];
const DERIVED_PROPERTIES: readonly string[] = [...LOCATION_PROPERTIES, ...DEVICE_PROPERTIES];

function isDerivedProperty(name: string): name is DerivedProperty {
  return DERIVED_PROPERTIES.includes(name);
}

export type PropertyNameMap = Readonly<Partial<Record<DerivedProperty, string>>>;

/** `country=geoCountry,city=geoCity`: a derived property renamed, the others keep theirs. */
const propertyNameMap: Parser<PropertyNameMap> = {
  kind: 'list of property=name',
  fromEnv(raw) {
    const map: Partial<Record<DerivedProperty, string>> = {};
    for (const entry of stringList.fromEnv(raw)) {
      const [from = '', to = '', ...rest] = entry.split('=').map((part) => part.trim());
      if (rest.length > 0 || from === '' || to === '') {
        throw new ParseError(`"${entry}" is not property=name`);
      }
      if (!isDerivedProperty(from)) {
        throw new ParseError(`"${from}" is not one of ${DERIVED_PROPERTIES.join(', ')}`);
      }
      if (map[from] !== undefined) throw new ParseError(`"${from}" is renamed twice`);
      map[from] = to;
    }
    const targets = Object.values(map);
    const repeated = targets.find((name, index) => targets.indexOf(name) !== index);
    if (repeated !== undefined) throw new ParseError(`two properties are named "${repeated}"`);
    return map;
  },
  fromCode(value) {
    if (typeof value === 'string') return propertyNameMap.fromEnv(value);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const entries = Object.entries(value as Record<string, unknown>).map(([from, to]) => {
        if (typeof to !== 'string') throw new ParseError(`the name for "${from}" is not a string`);
        return `${from}=${to}`;
      });
      return propertyNameMap.fromEnv(entries.join(','));
    }
    throw new ParseError('expected an object { property: name } or property=name,...');
  },
};

/** Context properties the proxy derives from the caller's address and browser. */
export const CONTEXT_OPTIONS = {
  geoipDatabases: option({
    env: ['PROXY_GEOIP_DATABASE'],
    parser: stringList,
    default: [],
    doc: 'Comma-separated paths of MaxMind-format (.mmdb) databases: GeoIP2/GeoLite2 City, Country or ASN, or the flat @ip-location-db ones. When set, country, continent, region, city and asn are added to the context from the client IP. A missing or unreadable file stops the start; a changed file is reloaded.',
  }),
  deviceContext: option({
    env: ['PROXY_DEVICE_CONTEXT'],
    parser: boolean,
    default: false,
    doc: 'Add browser, browserVersion (major), os, osVersion and deviceType (desktop, mobile, tablet, tv, bot) to the context, from User-Agent and client hints.',
  }),
  derivedPropertyPrefix: option({
    env: ['PROXY_DERIVED_PROPERTY_PREFIX'],
    parser: text,
    default: '',
    doc: 'Prefix for the names of the derived properties (location and device), e.g. geo_ gives geo_country.',
  }),
  derivedPropertyNames: option({
    env: ['PROXY_DERIVED_PROPERTY_NAMES'],
    parser: propertyNameMap,
    doc: 'Other names for some derived properties, e.g. country=countryCode,deviceType=device; these take no prefix.',
  }),
  derivedPropertyPrecedence: option<'derived' | 'caller'>({
    env: ['PROXY_DERIVED_PROPERTY_PRECEDENCE'],
    parser: oneOf('derived', 'caller'),
    default: 'derived',
    doc: 'When the caller sends a property the proxy derives: derived (the caller value is dropped, so that no caller can claim a country) or caller (the caller value is kept).',
  }),
} as const;
