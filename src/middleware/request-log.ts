import { randomUUID } from 'node:crypto';
import type { ProxyState } from '../http/state.js';
import type { Logger } from '../logger.js';
import type { RequestHooks } from './request-hooks.js';

/** The header a request id comes in and goes back in. */
export const REQUEST_ID_HEADER = 'X-Request-Id';
const REQUEST_ID_HEADER_KEY = 'x-request-id';

/**
 * What an incoming id may look like to be kept: what tracing systems and load balancers send
 * (UUIDs, hex, `name:id.part`), bounded, with nothing that could forge a log field or a header.
 */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._~:/+=@-]{1,128}$/;

/** The caller's X-Request-Id when it is safe to keep, otherwise a new one. */
function requestIdFor(incoming: string | string[] | undefined): string {
  // Node joins a repeated X-Request-Id into one string; the array type is for other headers.
  return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * `ctx.state` for one request. The child logger carrying the request id is made on first use:
 * at the default level (warn) most requests log nothing, and a pino child per request was a
 * measurable part of the hot path.
 */
class RequestState implements ProxyState {
  clientIp = '';
  private child: Logger | undefined;

  constructor(
    private readonly root: Logger,
    readonly requestId: string,
  ) {}

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
 * Gives each request an id (the caller's X-Request-Id when safe, else a new UUID), returned in
 * X-Request-Id, and a child logger carrying it, and writes one line when it ends:
 * method, route template, status and duration. Never the query string, body or headers,
 * which carry user ids and keys. The outermost hooks but draining (src/app.ts).
 */
export function requestLog(logger: Logger): RequestHooks {
  return {
    start(ctx) {
      const requestId = requestIdFor(ctx.req.headers[REQUEST_ID_HEADER_KEY]);
      ctx.state = new RequestState(logger, requestId);
      // Set first, so that every answer carries it, refusals and errors included.
      ctx.res.setHeader(REQUEST_ID_HEADER, requestId);
    },
    finish(ctx, started) {
      if (!logger.isLevelEnabled('info')) return;
      const route = typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : 'unmatched';
      writeRequestLine(ctx.state.log, { method: ctx.method, route, status: ctx.status, started });
    },
  };
}

/** The child logger of one request, carrying its id. */
function requestLogger(logger: Logger, requestId: string): Logger {
  return logger.child({ requestId });
}
