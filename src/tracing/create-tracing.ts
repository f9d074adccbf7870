import {
  type Context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { ProxyConfig } from '../config/load-config.js';
import { packageVersion } from '../package-root.js';

/**
 * The proxy's tracing, when configured: one tracer, the context of the request in progress
 * (AsyncLocalStorage), and W3C trace context in and out. Nothing is registered globally (no
 * global tracer provider or context manager), so that several apps in one process, and the
 * program embedding the proxy, keep their own.
 */
export interface Tracing {
  readonly tracer: Tracer;
  /** The context of the request being served, or the root context outside any request. */
  active(): Context;
  /** Runs `fn` with `context` as the active context, for everything it awaits. */
  with<T>(context: Context, fn: () => T): T;
  /** The context a request's `traceparent` / `tracestate` headers carry (root if none). */
  extract(headers: Readonly<Record<string, string | string[] | undefined>>): Context;
  /** The `traceparent` / `tracestate` headers for a call made in `context`. */
  inject(context: Context): Record<string, string>;
  /** Exports what is pending and stops. */
  shutdown(): Promise<void>;
}

/** Where spans go: the traces endpoint as given, or the generic one plus /v1/traces. */
function tracesUrl(config: ProxyConfig): string | undefined {
  if (config.otelTracesEndpoint !== undefined) return config.otelTracesEndpoint;
  if (config.otelEndpoint === undefined) return undefined;
  return `${config.otelEndpoint.replace(/\/+$/, '')}/v1/traces`;
}

/** Tracing as configured by the OTEL_* options, or undefined when it is off. */
export function createTracing(config: ProxyConfig): Tracing | undefined {
  const url = tracesUrl(config);
  if (url === undefined || config.otelSdkDisabled) return undefined;

  const exporterSettings = { url, headers: { ...config.otelHeaders } };
  const exporter =
    config.otelProtocol === 'http/json'
      ? new JsonTraceExporter(exporterSettings)
      : new ProtobufTraceExporter(exporterSettings);
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': config.otelServiceName,
      'service.version': packageVersion(),
      'service.instance.id': config.unleashInstanceId,
    }),
    // A caller's sampling decision (traceparent flags) is kept; new traces are all sampled.
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  const propagator = new W3CTraceContextPropagator();

  return {
    tracer: provider.getTracer('unleash-koa-proxy', packageVersion()),
    active: () => contextManager.active(),
    with: (context, fn) => contextManager.with(context, fn),
    extract: (headers) => propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter),
    inject(context) {
      const carrier: Record<string, string> = {};
      propagator.inject(context, carrier, defaultTextMapSetter);
      return carrier;
    },
    async shutdown() {
      await provider.shutdown();
      contextManager.disable();
    },
  };
}
