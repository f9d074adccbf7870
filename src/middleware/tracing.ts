import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Middleware } from 'koa';
import type { ProxyState } from '../http/state.js';
import type { Tracing } from '../tracing/create-tracing.js';

/**
 * A server span per request, child of the caller's `traceparent` when it sends one. The span
 * carries the method, the route template and the status: never the path as sent, the query
 * string, headers or body, which hold user ids, keys and tokens. Mounted only when tracing is
 * configured, so that a proxy without it does no work per request.
 */
export function tracingMiddleware(tracing: Tracing): Middleware<ProxyState> {
  return async (ctx, next) => {
    const parent = tracing.extract(ctx.req.headers);
    const span = tracing.tracer.startSpan(
      ctx.method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': ctx.method } },
      parent,
    );
    try {
      await tracing.with(trace.setSpan(parent, span), next);
    } finally {
      // Read once the errors middleware inside has written the answer.
      const route = typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : undefined;
      span.updateName(route === undefined ? ctx.method : `${ctx.method} ${route}`);
      if (route !== undefined) span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', ctx.status);
      // Server spans are errors for 5xx only: a 4xx is the caller's mistake (semantic conventions).
      if (ctx.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  };
}
