import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { ProxyState } from '../http/state.js';
import type { Logger } from '../logger.js';

/**
 * `ctx.state` for one request. The request id and the child logger carrying it are made on
 * first use: at the default level (warn) most requests log nothing, and a pino child plus a
 * UUID per request were a measurable part of the hot path.
 */
class RequestState implements ProxyState {
  clientIp = '';
  private id: string | undefined;
  private child: Logger | undefined;

  constructor(private readonly root: Logger) {}

  get requestId(): string {
    this.id ??= randomUUID();
    return this.id;
  }

  get log(): Logger {
    this.child ??= this.root.child({ requestId: this.requestId });
    return this.child;
  }
}

/**
 * Gives each request a child logger with a request id, and writes one line when it ends:
 * method, route template, status and duration. Never the query string, body or headers,
 * which carry user ids and keys.
 */
export function requestLog(logger: Logger): Middleware<ProxyState> {
  return async (ctx, next) => {
    const logsRequests = logger.isLevelEnabled('info');
    const started = logsRequests ? process.hrtime.bigint() : 0n;
    ctx.state = new RequestState(logger);
    try {
      await next();
    } finally {
      if (logsRequests) {
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
