import type { IncomingMessage } from 'node:http';
import type { Middleware } from 'koa';
import type { ProxyState } from '../http/state.js';

/** `::ffff:10.1.2.3` is how a dual-stack socket shows an IPv4 peer; use the IPv4 form. */
export function normalizeIp(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export type ClientIpResolver = (socketAddress: string, forwardedFor: string | undefined) => string;

/** The default: the address of the connection, forwarded headers ignored. */
export const socketAddressOnly: ClientIpResolver = (socketAddress) => socketAddress;

/** The caller's address: the connection's, or one forwarded for it when TRUST_PROXY says so. */
export function clientIpOf(request: IncomingMessage, resolve: ClientIpResolver): string {
  const socketAddress = normalizeIp(request.socket.remoteAddress ?? '');
  const forwardedFor = request.headers['x-forwarded-for']; // Node joins repeated ones
  return normalizeIp(
    resolve(
      socketAddress,
      typeof forwardedFor === 'string' && forwardedFor !== '' ? forwardedFor : undefined,
    ),
  );
}

/**
 * Puts the caller's address in `ctx.state.clientIp`. Like the other middleware with nothing to
 * do after the routes, it returns `next()` rather than awaiting it: one promise less per
 * request on the hot path (koa-compose turns a synchronous throw into a rejection as well).
 */
export function clientIp(resolve: ClientIpResolver = socketAddressOnly): Middleware<ProxyState> {
  return (ctx, next) => {
    ctx.state.clientIp = clientIpOf(ctx.req, resolve);
    return next();
  };
}
