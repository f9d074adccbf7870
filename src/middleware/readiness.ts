import type { Middleware } from 'koa';
import { NotReadyError } from '../errors.js';
import type { LiveFlags } from '../evaluation/live-flags.js';
import type { ProxyState } from '../http/state.js';

/** Every API route answers 503 until the first flags are loaded. */
export function requireReady(flags: LiveFlags): Middleware<ProxyState> {
  return (_ctx, next) => {
    if (flags.current() === undefined) throw new NotReadyError();
    return next();
  };
}
