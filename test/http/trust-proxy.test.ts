import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxy } from '../../src/create-proxy.js';
import { ConfigError } from '../../src/errors.js';
import { type RunningProxy, startProxy } from '../helpers/start-proxy.js';

const flagsFile = join(resolve(import.meta.dirname, '../fixtures/plugins'), 'client-ip-flags.json');
const KEY = 'trust-proxy-test-key';

// Every request comes from 127.0.0.1. The flags are each enabled for one remoteAddress, so the
// flag that is on tells which address the proxy took for the client.
interface Case {
  forwardedFor?: string;
  query?: string;
  client: string;
  why: string;
}

const MODES: [setting: string, cases: Case[]][] = [
  [
    'false',
    [
      { forwardedFor: '203.0.113.7', client: '127.0.0.1', why: 'the header is ignored' },
      { client: '127.0.0.1', why: 'no header: the socket address' },
    ],
  ],
  [
    'true',
    [
      { forwardedFor: '203.0.113.7', client: '203.0.113.7', why: 'genuine single hop' },
      {
        forwardedFor: '6.6.6.6, 203.0.113.7',
        client: '6.6.6.6',
        why: 'every hop trusted: the left-most address, even one the caller made up',
      },
    ],
  ],
  [
    '1',
    [
      { forwardedFor: '203.0.113.7', client: '203.0.113.7', why: 'genuine single hop' },
      {
        forwardedFor: '6.6.6.6, 203.0.113.7',
        client: '203.0.113.7',
        why: 'the spoofed left part is not believed',
      },
      { client: '127.0.0.1', why: 'no header: the socket address' },
    ],
  ],
  [
    '2',
    [
      {
        forwardedFor: '6.6.6.6, 203.0.113.7, 10.0.0.9',
        client: '203.0.113.7',
        why: 'two proxies: the address before them',
      },
    ],
  ],
  [
    'loopback',
    [
      { forwardedFor: '203.0.113.7', client: '203.0.113.7', why: 'genuine single hop' },
      {
        forwardedFor: '6.6.6.6, 203.0.113.7',
        client: '203.0.113.7',
        why: 'the spoofed left part is not believed',
      },
      {
        forwardedFor: '203.0.113.7, 10.0.0.9',
        client: '10.0.0.9',
        why: 'an untrusted proxy is the client',
      },
      {
        forwardedFor: '::ffff:203.0.113.7',
        client: '203.0.113.7',
        why: 'an IPv4-mapped client address is read as IPv4',
      },
      {
        forwardedFor: '203.0.113.7',
        query: 'remoteAddress=6.6.6.6',
        client: '6.6.6.6',
        why: 'a remoteAddress sent by the caller wins',
      },
    ],
  ],
  [
    'loopback, 10.0.0.0/8',
    [
      {
        forwardedFor: '6.6.6.6, 203.0.113.7, 10.0.0.9',
        client: '203.0.113.7',
        why: 'a chain of trusted proxies',
      },
      {
        forwardedFor: '6.6.6.6, 203.0.113.7, ::ffff:10.0.0.9',
        client: '203.0.113.7',
        why: 'an IPv4-mapped proxy address matches the IPv4 range',
      },
    ],
  ],
  [
    'loopback,2001:db8::/32',
    [
      {
        forwardedFor: '6.6.6.6, 203.0.113.7, 2001:db8::9',
        client: '203.0.113.7',
        why: 'an IPv6 range',
      },
    ],
  ],
  [
    'loopback, linklocal',
    [
      {
        forwardedFor: '6.6.6.6, 203.0.113.7, 169.254.1.1',
        client: '203.0.113.7',
        why: 'a link-local proxy is trusted',
      },
    ],
  ],
  [
    'uniquelocal',
    [
      {
        forwardedFor: '203.0.113.7',
        client: '127.0.0.1',
        why: 'the socket peer (loopback) is not a trusted proxy',
      },
    ],
  ],
];

describe.each(MODES)('TRUST_PROXY=%s', (setting, cases) => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await startProxy(
      {},
      {
        TRUST_PROXY: setting,
        PROXY_MODE: 'offline',
        UNLEASH_BOOTSTRAP_FILE: flagsFile,
        UNLEASH_PROXY_CLIENT_KEYS: KEY,
      },
    );
  });
  afterAll(async () => {
    await proxy.stop();
  });

  it.each(cases)('X-Forwarded-For $forwardedFor: $client ($why)', async (testCase) => {
    const headers: Record<string, string> = { authorization: KEY };
    if (testCase.forwardedFor !== undefined) headers['x-forwarded-for'] = testCase.forwardedFor;
    const response = await fetch(`${proxy.origin}/proxy?${testCase.query ?? ''}`, { headers });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { toggles: { name: string }[] };
    expect(body.toggles.map((toggle) => toggle.name)).toEqual([`ip-${testCase.client}`]);
  });
});

describe('SDKs polling the same query from different addresses (TRUST_PROXY=true)', () => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await startProxy(
      {},
      {
        TRUST_PROXY: 'true',
        PROXY_MODE: 'offline',
        UNLEASH_BOOTSTRAP_FILE: flagsFile,
        UNLEASH_PROXY_CLIENT_KEYS: KEY,
      },
    );
  });
  afterAll(async () => {
    await proxy.stop();
  });

  const poll = (address: string, ifNoneMatch: string) =>
    fetch(`${proxy.origin}/proxy?userId=same`, {
      headers: { authorization: KEY, 'x-forwarded-for': address, 'if-none-match': ifNoneMatch },
    });

  it("each revalidates its own answer, never another address's", async () => {
    const tags = new Map<string, string>();
    for (let round = 0; round < 3; round += 1) {
      for (const address of ['203.0.113.7', '6.6.6.6']) {
        const known = tags.get(address);
        const response = await poll(address, known ?? '"none"');
        if (known === undefined) {
          expect(response.status).toBe(200);
          const body = (await response.json()) as { toggles: { name: string }[] };
          expect(body.toggles.map((toggle) => toggle.name)).toEqual([`ip-${address}`]);
          tags.set(address, response.headers.get('etag') ?? '');
        } else {
          expect(response.status).toBe(304);
          expect(response.headers.get('etag')).toBe(known);
        }
      }
    }
    expect(tags.get('203.0.113.7')).not.toBe(tags.get('6.6.6.6'));
    // One address's tag is not the other's: a full answer, with its own flag.
    const crossed = await poll('6.6.6.6', tags.get('203.0.113.7') ?? '');
    expect(crossed.status).toBe(200);
    const body = (await crossed.json()) as { toggles: { name: string }[] };
    expect(body.toggles.map((toggle) => toggle.name)).toEqual(['ip-6.6.6.6']);
  });
});

describe('an invalid TRUST_PROXY', () => {
  it('stops the start with an error naming it', async () => {
    const starting = createProxy({}, { TRUST_PROXY: 'loopback, proxy.internal' });
    await expect(starting).rejects.toBeInstanceOf(ConfigError);
    await expect(starting).rejects.toThrow(
      /TRUST_PROXY="loopback, proxy.internal": .*proxy.internal/,
    );
  });
});
