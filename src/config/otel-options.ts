import { option } from './option-spec.js';
import { boolean, httpUrl, oneOf, ParseError, type Parser, text } from './parsers.js';

/** OTEL_EXPORTER_OTLP_HEADERS: `key=value,key=value`, values percent-encoded (OTel's spec). */
const otlpHeaders: Parser<Readonly<Record<string, string>>> = {
  kind: 'list of key=value',
  fromEnv(raw) {
    const headers: Record<string, string> = {};
    for (const pair of raw.split(',')) {
      if (pair.trim() === '') continue;
      const equals = pair.indexOf('=');
      const key = pair.slice(0, equals).trim();
      if (equals <= 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) {
        throw new ParseError('expected key=value pairs separated by commas');
      }
      try {
        headers[key.toLowerCase()] = decodeURIComponent(pair.slice(equals + 1).trim());
      } catch {
        throw new ParseError(`the value of ${key} is not valid percent-encoding`);
      }
    }
    return Object.freeze(headers);
  },
  fromCode(value) {
    if (typeof value === 'string') return otlpHeaders.fromEnv(value);
    if (
      value !== null &&
      typeof value === 'object' &&
      Object.values(value).every((item) => typeof item === 'string')
    ) {
      return Object.freeze({ ...(value as Record<string, string>) });
    }
    throw new ParseError('expected an object of header names to strings');
  },
};

/**
 * OpenTelemetry traces, with the standard OTEL_* variable names. Tracing is on when an OTLP
 * endpoint is set (and OTEL_SDK_DISABLED is not true); only the HTTP protocols are offered.
 */
export const OTEL_OPTIONS = {
  otelSdkDisabled: option({
    env: ['OTEL_SDK_DISABLED'],
    parser: boolean,
    default: false,
    page: 'tracing',
    doc: 'Turns tracing off even with an endpoint set.',
  }),
  otelTracesEndpoint: option({
    env: ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'],
    parser: httpUrl,
    page: 'tracing',
    doc: 'URL spans are posted to, used as is, e.g. http://collector:4318/v1/traces. Wins over OTEL_EXPORTER_OTLP_ENDPOINT.',
  }),
  otelEndpoint: option({
    env: ['OTEL_EXPORTER_OTLP_ENDPOINT'],
    parser: httpUrl,
    page: 'tracing',
    doc: 'Base URL of an OTLP/HTTP receiver, e.g. http://collector:4318; spans go to <url>/v1/traces. Setting it (or the traces endpoint) turns tracing on.',
  }),
  otelProtocol: option({
    env: ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'],
    parser: oneOf('http/protobuf', 'http/json'),
    default: 'http/protobuf',
    page: 'tracing',
    doc: 'OTLP encoding over HTTP. grpc is not offered: it is refused at boot.',
  }),
  otelHeaders: option({
    env: ['OTEL_EXPORTER_OTLP_TRACES_HEADERS', 'OTEL_EXPORTER_OTLP_HEADERS'],
    parser: otlpHeaders,
    secret: true,
    page: 'tracing',
    doc: 'Headers sent with each export, e.g. authorization=Bearer%20abc (values percent-encoded).',
  }),
  otelServiceName: option({
    env: ['OTEL_SERVICE_NAME'],
    parser: text,
    default: 'unleash-koa-proxy',
    page: 'tracing',
    doc: 'service.name of the spans.',
  }),
} as const;
