import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/errors.js';

const fromEnv = (value: string) => loadConfig({ TRUST_PROXY: value }).trustProxy;

describe('TRUST_PROXY', () => {
  it('defaults to trusting no proxy', () => {
    expect(loadConfig({}).trustProxy).toEqual({ kind: 'none' });
  });

  it.each([
    ['false', { kind: 'none' }],
    ['FALSE', { kind: 'none' }],
    ['true', { kind: 'all' }],
    ['True', { kind: 'all' }],
    ['0', { kind: 'none' }],
    ['2', { kind: 'hops', hops: 2 }],
    ['10.0.0.1', { kind: 'addresses', ranges: ['10.0.0.1/32'] }],
    [' 10.0.0.0/8 , fd00::/8 ', { kind: 'addresses', ranges: ['10.0.0.0/8', 'fd00::/8'] }],
    ['10.0.0.0/255.255.0.0', { kind: 'addresses', ranges: ['10.0.0.0/16'] }],
    ['::ffff:10.0.0.0/104', { kind: 'addresses', ranges: ['10.0.0.0/8'] }],
    ['2001:db8::1', { kind: 'addresses', ranges: ['2001:db8::1/128'] }],
    ['loopback', { kind: 'addresses', ranges: ['127.0.0.1/8', '::1/128'] }],
    ['linklocal', { kind: 'addresses', ranges: ['169.254.0.0/16', 'fe80::/10'] }],
    [
      'uniquelocal',
      {
        kind: 'addresses',
        ranges: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
      },
    ],
  ])('reads %j', (value, expected) => {
    expect(fromEnv(value)).toEqual(expected);
  });

  it.each([
    'yes',
    '10.0.0.300',
    '10.0.0.0/33',
    '10.0.0.0/255.0.255.0',
    'fd00::/129',
    'loopback, proxy.internal',
    '-1',
    '1.5',
    ',',
  ])('refuses %j at boot with an error naming TRUST_PROXY', (value) => {
    let error: unknown;
    try {
      fromEnv(value);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems[0]).toMatch(/^TRUST_PROXY=/);
  });

  it('accepts the values Express accepts in code: boolean, hop count, string, list', () => {
    expect(loadConfig({}, { trustProxy: true }).trustProxy).toEqual({ kind: 'all' });
    expect(loadConfig({}, { trustProxy: 1 }).trustProxy).toEqual({ kind: 'hops', hops: 1 });
    expect(loadConfig({}, { trustProxy: 'loopback' }).trustProxy.kind).toBe('addresses');
    expect(loadConfig({}, { trustProxy: ['10.0.0.1', '10.0.0.2'] }).trustProxy).toEqual({
      kind: 'addresses',
      ranges: ['10.0.0.1/32', '10.0.0.2/32'],
    });
    expect(() => loadConfig({}, { trustProxy: { hops: 1 } })).toThrow(ConfigError);
  });
});
