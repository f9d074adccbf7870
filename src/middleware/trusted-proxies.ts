import { rangeMatcher, type TrustProxy } from '../config/trust-proxy.js';
import type { ClientIpResolver } from './client-ip.js';

/** X-Forwarded-For as a list, nearest hop last; blank entries dropped. */
export function forwardedAddresses(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/**
 * The client IP under TRUST_PROXY, as Express computes `req.ip`: walk from the socket address
 * towards the left of X-Forwarded-For while the current hop is trusted; the first address
 * that is not trusted is the client. A caller can prepend anything to the header, so only
 * what trusted proxies appended is believed.
 */
export function trustedProxyResolver(trust: TrustProxy): ClientIpResolver {
  if (trust.kind === 'none') return (socketAddress) => socketAddress;
  const isTrusted: (address: string, index: number) => boolean =
    trust.kind === 'all'
      ? () => true
      : trust.kind === 'hops'
        ? (_address, index) => index < trust.hops
        : rangeMatcher(trust.ranges);
  return (socketAddress, forwardedFor) => {
    const hops = [socketAddress, ...forwardedAddresses(forwardedFor).reverse()];
    let index = 0;
    while (index < hops.length - 1 && isTrusted(hops[index] ?? '', index)) index += 1;
    return hops[index] ?? socketAddress;
  };
}
