import type Koa from 'koa';
import type { ProxyConfig } from './config/load-config.js';
import type { ProxyState } from './http/state.js';
import type { Logger } from './logger.js';
import { clientIp } from './middleware/client-ip.js';
import { compression } from './middleware/compression.js';
import type { ConnectionDrain } from './middleware/connection-drain.js';
import { cors } from './middleware/cors.js';
import { queryLimits } from './middleware/query-limits.js';
import { requestEnvelope } from './middleware/request-envelope.js';
import type { RequestHooks } from './middleware/request-hooks.js';
import { requestLog } from './middleware/request-log.js';
import { tracingMiddleware } from './middleware/tracing.js';
import { trustedProxyResolver } from './middleware/trusted-proxies.js';
import type { Tracing } from './tracing/create-tracing.js';

/** The middleware every request goes through, in order (docs/architecture.md). */
export function useSharedMiddleware(
  koa: Koa<ProxyState>,
  parts: {
    config: ProxyConfig;
    logger: Logger;
    drain: ConnectionDrain;
    requestMetrics: RequestHooks;
    tracing: Tracing | undefined;
  },
): void {
  const { config } = parts;
  // A server span around everything else, only with OTEL_* set.
  if (parts.tracing) koa.use(tracingMiddleware(parts.tracing));
  // Drain, request log and id, metrics: hooks run by one middleware around the error handler.
  koa.use(requestEnvelope([parts.drain.hooks(), requestLog(parts.logger), parts.requestMetrics]));
  koa.use(cors(config));
  koa.use(compression()); // koa-compress when the request accepts an encoding
  koa.use(clientIp(trustedProxyResolver(config.trustProxy)));
  koa.use(queryLimits(config)); // query length, parameter count, encoding
}
