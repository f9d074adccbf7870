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
    this.child ??= requestLogger(this.root, this.requestId);
    return this.child;
  }
}

export interface RequestLine {
  readonly method: string;
  /** The route template, never the raw path. */
  readonly route: string;
  readonly status: number;
  /** process.hrtime.bigint() when the request arrived. */
  readonly started: bigint;
}

/** The one line per request: method, route template, status, duration. */
function writeRequestLine(log: Logger, { method, route, status, started }: RequestLine) {
  const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
  log.info({ method, route, status, durationMs: Math.round(durationMs * 100) / 100 }, 'request');
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
        const route = typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : 'unmatched';
        writeRequestLine(ctx.state.log, { method: ctx.method, route, status: ctx.status, started });
      }
    }
  };
}

/** The child logger of one request, carrying its id. */
function requestLogger(logger: Logger, requestId: string): Logger {
  return logger.child({ requestId });
}
