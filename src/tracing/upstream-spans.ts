import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { UpstreamSpan, UpstreamTracer } from '../unleash/upstream-tracer.js';
import type { Tracing } from './create-tracing.js';

/**
 * Client spans for the calls to Unleash (flag fetches, metrics uploads, registration, token
 * validation), children of the request being served when a request caused them, and the
 * `traceparent` that carries them to Unleash. The URL is recorded without its query string.
 */
export function upstreamSpans(tracing: Tracing): UpstreamTracer {
  return {
    start(operation, method, url): UpstreamSpan {
      const parsed = new URL(url);
      const parent = tracing.active();
      const span = tracing.tracer.startSpan(
        `unleash ${operation}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'http.request.method': method,
            'server.address': parsed.hostname,
            'server.port': Number(parsed.port) || (parsed.protocol === 'https:' ? 443 : 80),
            'url.path': parsed.pathname,
          },
        },
        parent,
      );
      let ended = false;
      return {
        headers: tracing.inject(trace.setSpan(parent, span)),
        end({ status, error }) {
          if (ended) return;
          ended = true;
          if (status !== undefined) span.setAttribute('http.response.status_code', status);
          if (error !== undefined || (status !== undefined && status >= 400)) {
            span.setStatus({
              code: SpanStatusCode.ERROR,
              ...(error instanceof Error ? { message: error.message } : {}),
            });
          }
          span.end();
        },
      };
    },
  };
}
