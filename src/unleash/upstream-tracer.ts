/**
 * What the sync engine tells tracing about its calls to Unleash. Defined here, where the calls
 * are made, so that src/unleash needs no tracing library: src/tracing implements it, and
 * without tracing the no-op below costs one call per upstream request, none per client request.
 */
export type UpstreamOperation = 'fetch flags' | 'upload metrics' | 'register' | 'validate tokens';

export interface UpstreamSpan {
  /** Headers to send with the call (W3C `traceparent`, `tracestate`), empty without tracing. */
  readonly headers: Readonly<Record<string, string>>;
  /** Ends the span with the answer's status, or the error that prevented one. */
  end(outcome: { readonly status?: number; readonly error?: unknown }): void;
}

export interface UpstreamTracer {
  /** Starts a span for one call to `url`, child of the request being served if any. */
  start(operation: UpstreamOperation, method: 'GET' | 'POST', url: string): UpstreamSpan;
}

const NO_SPAN: UpstreamSpan = { headers: {}, end() {} };

export const NO_UPSTREAM_TRACING: UpstreamTracer = { start: () => NO_SPAN };
