import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { ProxyState } from '../http/state.js';
import type { Logger } from '../logger.js';

/**
 * Gives each request a child logger with a request id, and writes one line when it ends:
 * method, route template, status and duration. Never the query string, body or headers,
 * which carry user ids and keys.
 */
export function requestLog(logger: Logger): Middleware<ProxyState> {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = logger.child({ requestId });
    try {
      await next();
    } finally {
      if (logger.isLevelEnabled('info')) {
        const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
        const route = typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : 'unmatched';
        ctx.state.log.info(
          {
            method: ctx.method,
            route,
            status: ctx.status,
            durationMs: Math.round(durationMs * 100) / 100,
          },
          'request',
        );
      }
    }
  };
}
