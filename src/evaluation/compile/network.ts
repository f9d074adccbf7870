import { Address4, Address6 } from '../../unleash/engine.js';
import type { RequestState } from './request.js';

/**
 * Address matching for the `IN_CIDR` operator and the `remoteAddress` strategy, with
 * unleash-client's semantics (ip-address's `Address4`/`Address6`, `correctForm`, `isInSubnet`).
 * The common case, a plain dotted-quad IPv4 address, is matched on 32-bit integers; every other
 * form (IPv6, IPv4-mapped IPv6, an address with a suffix) goes through ip-address itself, parsed
 * once per request. Like the SDK, an IPv6 address (including `::ffff:a.b.c.d`) is only compared
 * with IPv6 ranges and an IPv4 address only with IPv4 ranges.
 */

/** ip-address's own `RE_ADDRESS`: exactly the IPv4 strings `Address4` accepts without a suffix. */
const PLAIN_IPV4 =
  /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;

enum Family {
  Invalid = 0,
  /** A plain IPv4 address, held as `addressInt` (/32). */
  PlainV4 = 1,
  /** An IPv4 address with a suffix, held as an `Address4`. */
  V4 = 2,
  V6 = 3,
}

interface V4Range {
  readonly base: number;
  readonly prefix: number;
  readonly address: Address4;
  readonly correctForm: string;
}

interface V6Range {
  readonly address: Address6;
  readonly correctForm: string;
}

function plainV4ToInt(match: RegExpExecArray): number {
  return (
    ((Number(match[1]) << 24) |
      (Number(match[2]) << 16) |
      (Number(match[3]) << 8) |
      Number(match[4])) >>>
    0
  );
}

function tryAddress4(value: string): Address4 | undefined {
  try {
    return new Address4(value);
  } catch {
    return undefined;
  }
}

function tryAddress6(value: string): Address6 | undefined {
  try {
    return new Address6(value);
  } catch {
    return undefined;
  }
}

function toV4Range(range: string): V4Range | undefined {
  const address = tryAddress4(range);
  if (!address) return undefined;
  const [a, b, c, d] = address.parsedAddress.map((part) => Number.parseInt(part, 10));
  const base = (((a ?? 0) << 24) | ((b ?? 0) << 16) | ((c ?? 0) << 8) | (d ?? 0)) >>> 0;
  return { base, prefix: address.subnetMask, address, correctForm: address.correctForm() };
}

/** Parses `value` into the request's address memo, unless it is already there. */
function parseAddress(state: RequestState, value: string): Family {
  if (state.addressKey === value) return state.addressFamily;
  state.addressKey = value;
  state.addressObject = undefined;
  const plain = PLAIN_IPV4.exec(value);
  if (plain) {
    state.addressInt = plainV4ToInt(plain);
    state.addressFamily = Family.PlainV4;
    return Family.PlainV4;
  }
  // Neither parser accepts what the other's alphabet excludes: an Address4 never contains ':'
  // and an Address6 always does. Skipping the hopeless parse avoids a thrown AddressError.
  const hasColon = value.includes(':');
  const v4 = hasColon ? undefined : tryAddress4(value);
  if (v4) {
    state.addressObject = v4;
    state.addressCorrectForm = v4.correctForm();
    state.addressFamily = Family.V4;
    return Family.V4;
  }
  const v6 = hasColon ? tryAddress6(value) : undefined;
  if (v6) {
    state.addressObject = v6;
    state.addressCorrectForm = v6.correctForm();
    state.addressFamily = Family.V6;
    return Family.V6;
  }
  state.addressFamily = Family.Invalid;
  return Family.Invalid;
}

function plainInV4Range(address: number, range: V4Range): boolean {
  const prefix = range.prefix;
  if (prefix === 0) return true;
  const shift = 32 - prefix;
  return address >>> shift === range.base >>> shift;
}

/** The `IN_CIDR` operator over already cleaned range values. */
export class CidrMatcher {
  private readonly v4: readonly V4Range[];
  private readonly v6: readonly V6Range[];

  constructor(ranges: readonly string[]) {
    const v4: V4Range[] = [];
    const v6: V6Range[] = [];
    for (const range of ranges) {
      const range4 = toV4Range(range);
      if (range4) v4.push(range4);
      const address6 = tryAddress6(range);
      if (address6) v6.push({ address: address6, correctForm: address6.correctForm() });
    }
    this.v4 = v4;
    this.v6 = v6;
  }

  matches(state: RequestState, value: string): boolean {
    const family = parseAddress(state, value);
    if (family === Family.PlainV4) {
      const address = state.addressInt;
      for (const range of this.v4) if (plainInV4Range(address, range)) return true;
      return false;
    }
    if (family === Family.Invalid) return false;
    const correctForm = state.addressCorrectForm;
    if (family === Family.V4) {
      const address = state.addressObject as Address4;
      for (const range of this.v4) {
        if (correctForm === range.correctForm || address.isInSubnet(range.address)) return true;
      }
      return false;
    }
    const address = state.addressObject as Address6;
    for (const range of this.v6) {
      if (correctForm === range.correctForm || address.isInSubnet(range.address)) return true;
    }
    return false;
  }
}

/** The `remoteAddress` strategy: its `IPs` parameter, split as the SDK splits it. */
export class RemoteAddressMatcher {
  private readonly exact: ReadonlySet<string>;
  private readonly v4: readonly V4Range[];

  constructor(ips: string) {
    const ranges = ips.split(/\s*,\s*/);
    this.exact = new Set(ranges);
    this.v4 = ranges.map(toV4Range).filter((range) => range !== undefined);
  }

  matches(state: RequestState, remoteAddress: string | undefined): boolean {
    if (remoteAddress !== undefined && this.exact.has(remoteAddress)) return true;
    // The SDK parses `context.remoteAddress || ''` as an Address4; anything else fails.
    const family = parseAddress(state, remoteAddress || '');
    if (family === Family.PlainV4) {
      const address = state.addressInt;
      for (const range of this.v4) if (plainInV4Range(address, range)) return true;
      return false;
    }
    if (family !== Family.V4) return false;
    const address = state.addressObject as Address4;
    for (const range of this.v4) if (address.isInSubnet(range.address)) return true;
    return false;
  }
}
