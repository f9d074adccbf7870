import type { IncomingHttpHeaders } from 'node:http';
import {
  DEVICE_PROPERTIES,
  type DerivedProperty,
  LOCATION_PROPERTIES,
  type PropertyNameMap,
} from '../config/context-options.js';
import type { EvaluationContext } from '../evaluation/types.js';
import { BoundedCache } from './bounded-cache.js';
import { deviceOf, userAgentHeaders, userAgentKey } from './device/device-of.js';
import type { GeoDatabases } from './location/geo-databases.js';

/** Distinct client IPs whose location is kept. */
const ADDRESS_CACHE_SIZE = 10_000;
/** Distinct user agents (with their client hints) whose device is kept. */
const USER_AGENT_CACHE_SIZE = 2_000;

export interface DerivedContextSettings {
  /** PROXY_GEOIP_DATABASE, loaded; undefined when none is configured. */
  readonly location: GeoDatabases | undefined;
  /** PROXY_DEVICE_CONTEXT. */
  readonly device: boolean;
  readonly prefix: string;
  readonly names: PropertyNameMap | undefined;
  /** Whose value stays when the caller sends a property the proxy derives. */
  readonly precedence: 'derived' | 'caller';
}

/** What the proxy itself knows about a request, beyond what the caller sent. */
export interface RequestFacts {
  /** After TRUST_PROXY: never the caller's own `remoteAddress`, which anyone can write. */
  readonly clientIp: string;
  readonly headers: IncomingHttpHeaders;
}

/** Adds the location and device properties to a context (a copy; the input is unchanged). */
export type DeriveContext = (
  context: EvaluationContext,
  request: RequestFacts,
) => EvaluationContext;

/** Derived properties as [name in the context, value], ready to copy in. */
type Pairs = readonly (readonly [string, string])[];

function renamer(settings: DerivedContextSettings) {
  return (property: DerivedProperty): string =>
    settings.names?.[property] ?? `${settings.prefix}${property}`;
}

function pairsOf<P extends DerivedProperty>(
  found: Partial<Record<P, string>>,
  nameOf: (property: DerivedProperty) => string,
): Pairs {
  return Object.freeze(
    (Object.entries(found) as [P, string][]).map(([property, value]) =>
      Object.freeze([nameOf(property), value] as const),
    ),
  );
}

/**
 * The location and device step of the context, run before the user's enrichers so that they
 * can read what it adds; undefined when neither is configured. Lookups are memoized per client
 * IP and per user agent (bounded), so a returning caller costs two Map lookups.
 */
export function createDerivedContext(settings: DerivedContextSettings): DeriveContext | undefined {
  const { location, device } = settings;
  if (location === undefined && !device) return undefined;
  const nameOf = renamer(settings);
  const owned: ReadonlySet<string> = new Set(
    [...(location ? LOCATION_PROPERTIES : []), ...(device ? DEVICE_PROPERTIES : [])].map(nameOf),
  );
  const callerWins = settings.precedence === 'caller';
  const devices = new BoundedCache<Pairs>(USER_AGENT_CACHE_SIZE);
  const locations = new BoundedCache<Pairs>(ADDRESS_CACHE_SIZE);
  location?.onReload(() => locations.clear());
  const locationPairs = (address: string): Pairs =>
    location === undefined
      ? []
      : locations.get(address, (key) => pairsOf(location.lookup(key), nameOf));

  return (context, request) => {
    const properties = Object.create(null) as Record<string, string>;
    for (const name in context.properties) {
      // With `derived` precedence the caller's value goes even when no lookup replaces it.
      if (callerWins || !owned.has(name)) properties[name] = context.properties[name] as string;
    }
    const add = (pairs: Pairs) => {
      for (const [name, value] of pairs) {
        if (!callerWins || properties[name] === undefined) properties[name] = value;
      }
    };
    add(locationPairs(request.clientIp));
    if (device) {
      const sent = userAgentHeaders(request.headers);
      add(devices.get(userAgentKey(sent), () => pairsOf(deviceOf(sent), nameOf)));
    }
    return { ...context, properties };
  };
}
