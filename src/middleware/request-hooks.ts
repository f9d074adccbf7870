import type { ProxyContext } from '../http/state.js';

/**
 * A concern every request goes through (its id and log line, its metrics, draining), written
 * as two plain calls rather than as a Koa middleware of its own: `start` before the rest of the
 * pipeline, `finish` once the answer is settled, errors answered. `requestEnvelope` runs them
 * from one middleware, around the error handler. As one middleware each, every such concern
 * cost a koa-compose step, an async frame and a promise per request, a 304 included, for work
 * that is a few property writes.
 */
export interface RequestHooks {
  readonly start?: (ctx: ProxyContext) => void;
  /** `started`: process.hrtime.bigint() when the request entered the pipeline. */
  readonly finish?: (ctx: ProxyContext, started: bigint) => void;
}
