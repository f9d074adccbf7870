import type { Middleware } from 'koa';
import type { ProxyState } from '../http/state.js';

/** `::ffff:10.1.2.3` is how a dual-stack socket shows an IPv4 peer; use the IPv4 form. */
export function normalizeIp(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export type ClientIpResolver = (socketAddress: string, forwardedFor: string | undefined) => string;

/** The default: the address of the connection, forwarded headers ignored. */
export const socketAddressOnly: ClientIpResolver = (socketAddress) => socketAddress;

/** Puts the caller's address in `ctx.state.clientIp`. */
export function clientIp(resolve: ClientIpResolver = socketAddressOnly): Middleware<ProxyState> {
  return async (ctx, next) => {
    const socketAddress = normalizeIp(ctx.req.socket.remoteAddress ?? '');
    const forwardedFor = ctx.get('X-Forwarded-For') || undefined;
    ctx.state.clientIp = normalizeIp(resolve(socketAddress, forwardedFor));
    await next();
  };
}
