import { BlockList, isIP } from 'node:net';
import { ParseError, type Parser } from './parsers.js';

/**
 * TRUST_PROXY, with the meaning Express gives `trust proxy`: which hops of X-Forwarded-For
 * were added by proxies of ours, and so may be believed.
 */
export type TrustProxy =
  /** Believe no header: the client is the socket address. */
  | { readonly kind: 'none' }
  /** Believe every hop: the client is the left-most X-Forwarded-For address. */
  | { readonly kind: 'all' }
  /** The nearest `hops` addresses (socket address first) are proxies. */
  | { readonly kind: 'hops'; readonly hops: number }
  /** Addresses in these ranges are proxies; kept as normalised text, compiled once at boot. */
  | { readonly kind: 'addresses'; readonly ranges: readonly string[] };

/** The named ranges Express (proxy-addr) knows. */
const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** `::ffff:10.1.2.3` (IPv4-mapped IPv6) as `10.1.2.3`; other addresses unchanged. */
function unmapIpv4(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  return mapped !== undefined && isIP(mapped) === 4 ? mapped : address;
}

/** A dotted IPv4 netmask (255.255.240.0) as a prefix length, if its bits are contiguous. */
function netmaskToPrefix(mask: string): number | undefined {
  if (isIP(mask) !== 4) return undefined;
  const bits = mask
    .split('.')
    .map((octet) => Number(octet).toString(2).padStart(8, '0'))
    .join('');
  if (!/^1*0*$/.test(bits)) return undefined;
  const firstZero = bits.indexOf('0');
  return firstZero === -1 ? 32 : firstZero;
}

/** One entry (`10.0.0.1`, `10.0.0.0/8`, `10.0.0.0/255.0.0.0`, `fd00::/8`) as `address/prefix`. */
export function normalizeRange(entry: string): string {
  const [rawAddress = '', rawPrefix, ...rest] = entry.split('/');
  if (rest.length > 0) throw new ParseError(`"${entry}" is not an IP address or CIDR range`);
  let address = rawAddress.trim();
  const version = isIP(address);
  if (version === 0) throw new ParseError(`"${entry}" is not an IP address or CIDR range`);
  const maxPrefix = version === 4 ? 32 : 128;
  let prefix = maxPrefix;
  if (rawPrefix !== undefined) {
    const text = rawPrefix.trim();
    const fromMask = version === 4 ? netmaskToPrefix(text) : undefined;
    if (fromMask !== undefined) prefix = fromMask;
    else if (/^\d{1,3}$/.test(text) && Number(text) <= maxPrefix) prefix = Number(text);
    else throw new ParseError(`"${entry}" has an invalid prefix length`);
  }
  const unmapped = unmapIpv4(address);
  if (unmapped !== address && prefix >= 96) {
    address = unmapped;
    prefix -= 96;
  }
  return `${address}/${prefix}`;
}

function parseWords(words: readonly string[]): TrustProxy {
  const ranges: string[] = [];
  for (const word of words) {
    const named = NAMED_RANGES[word.toLowerCase()];
    if (named !== undefined) ranges.push(...named);
    else ranges.push(normalizeRange(word));
  }
  return { kind: 'addresses', ranges: [...new Set(ranges)] };
}

function parseText(raw: string): TrustProxy {
  const text = raw.trim();
  const lower = text.toLowerCase();
  if (lower === 'false') return { kind: 'none' };
  if (lower === 'true') return { kind: 'all' };
  if (/^\d+$/.test(text)) return hops(Number(text));
  const words = text
    .split(',')
    .map((word) => word.trim())
    .filter((word) => word !== '');
  if (words.length === 0) {
    throw new ParseError('expected false, true, a hop count, or IPs, CIDRs and range names');
  }
  return parseWords(words);
}

function hops(count: number): TrustProxy {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new ParseError('a hop count must be a whole number >= 0');
  }
  return count === 0 ? { kind: 'none' } : { kind: 'hops', hops: count };
}

export const trustProxy: Parser<TrustProxy> = {
  kind: 'false | true | hop count | list of IPs, CIDRs, loopback, linklocal, uniquelocal',
  fromEnv: parseText,
  fromCode(value) {
    if (value === false) return { kind: 'none' };
    if (value === true) return { kind: 'all' };
    if (typeof value === 'number') return hops(value);
    if (typeof value === 'string') return parseText(value);
    if (Array.isArray(value) && value.every((item): item is string => typeof item === 'string')) {
      return value.length === 0 ? { kind: 'none' } : parseWords(value.map((item) => item.trim()));
    }
    throw new ParseError('expected a boolean, a hop count, or a list of addresses');
  },
};

/** Compiles the ranges of an `addresses` setting into a matcher for one address. */
export function rangeMatcher(ranges: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const range of ranges) {
    const [address = '', prefix = ''] = range.split('/');
    list.addSubnet(address, Number(prefix), isIP(address) === 4 ? 'ipv4' : 'ipv6');
  }
  return (address) => {
    // A zone id (fe80::1%eth0) does not change which range the address is in.
    const bare = address.replace(/%.*$/, '');
    const version = isIP(bare);
    if (version === 0) return false;
    // BlockList matches IPv4-mapped IPv6 addresses against IPv4 ranges too.
    return list.check(bare, version === 4 ? 'ipv4' : 'ipv6');
  };
}
