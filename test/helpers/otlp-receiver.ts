import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An OTLP/HTTP trace receiver in the test process, on 127.0.0.1 and a free port: accepts
 * POST /v1/traces in both encodings (application/x-protobuf and application/json), decodes the
 * spans, and resolves waiters as spans arrive. The protobuf reader below knows only the fields
 * of ExportTraceServiceRequest that the tests read.
 */

export type AttributeValue = string | number | boolean;

export interface ReceivedSpan {
  name: string;
  /** 1 internal, 2 server, 3 client (OTLP's SpanKind). */
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  attributes: Record<string, AttributeValue>;
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  resource: Record<string, AttributeValue>;
  /** The Content-Type of the export that carried it. */
  encoding: string;
}

export interface ReceivedExport {
  contentType: string;
  headers: IncomingMessage['headers'];
}

// --- protobuf wire format -------------------------------------------------------------------

type Field = { number: number; varint?: bigint; bytes?: Buffer; fixed?: Buffer };

function readVarint(buffer: Buffer, start: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  let offset = start;
  for (;;) {
    const byte = buffer[offset];
    if (byte === undefined) throw new Error('truncated varint');
    offset += 1;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, offset];
    shift += 7n;
  }
}

function fields(buffer: Buffer): Field[] {
  const found: Field[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const [key, afterKey] = readVarint(buffer, offset);
    const number = Number(key >> 3n);
    const wireType = Number(key & 7n);
    offset = afterKey;
    if (wireType === 0) {
      const [varint, next] = readVarint(buffer, offset);
      found.push({ number, varint });
      offset = next;
    } else if (wireType === 2) {
      const [length, next] = readVarint(buffer, offset);
      const end = next + Number(length);
      found.push({ number, bytes: buffer.subarray(next, end) });
      offset = end;
    } else if (wireType === 1) {
      found.push({ number, fixed: buffer.subarray(offset, offset + 8) });
      offset += 8;
    } else if (wireType === 5) {
      found.push({ number, fixed: buffer.subarray(offset, offset + 4) });
      offset += 4;
    } else {
      throw new Error(`unsupported wire type ${wireType}`);
    }
  }
  return found;
}

const all = (list: Field[], number: number) => list.filter((field) => field.number === number);
const first = (list: Field[], number: number) => list.find((field) => field.number === number);

function protobufValue(any: Buffer): AttributeValue {
  const [field] = fields(any);
  if (field?.number === 1) return field.bytes?.toString('utf8') ?? '';
  if (field?.number === 2) return field.varint === 1n;
  if (field?.number === 3) return Number(BigInt.asIntN(64, field.varint ?? 0n));
  if (field?.number === 4) return field.fixed?.readDoubleLE(0) ?? 0;
  return '';
}

function protobufAttributes(list: Field[], number: number): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const keyValue of all(list, number)) {
    const parts = fields(keyValue.bytes ?? Buffer.alloc(0));
    const key = first(parts, 1)?.bytes?.toString('utf8') ?? '';
    attributes[key] = protobufValue(first(parts, 2)?.bytes ?? Buffer.alloc(0));
  }
  return attributes;
}

function decodeProtobuf(body: Buffer, encoding: string): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of all(fields(body), 1)) {
    const rs = fields(resourceSpans.bytes ?? Buffer.alloc(0));
    const resource = protobufAttributes(fields(first(rs, 1)?.bytes ?? Buffer.alloc(0)), 1);
    for (const scopeSpans of all(rs, 2)) {
      for (const spanField of all(fields(scopeSpans.bytes ?? Buffer.alloc(0)), 2)) {
        const span = fields(spanField.bytes ?? Buffer.alloc(0));
        const status = fields(first(span, 15)?.bytes ?? Buffer.alloc(0));
        spans.push({
          traceId: first(span, 1)?.bytes?.toString('hex') ?? '',
          spanId: first(span, 2)?.bytes?.toString('hex') ?? '',
          parentSpanId: first(span, 4)?.bytes?.toString('hex') ?? '',
          name: first(span, 5)?.bytes?.toString('utf8') ?? '',
          kind: Number(first(span, 6)?.varint ?? 0n),
          attributes: protobufAttributes(span, 9),
          statusCode: Number(first(status, 3)?.varint ?? 0n),
          resource,
          encoding,
        });
      }
    }
  }
  return spans;
}

// --- JSON -------------------------------------------------------------------------------------

interface JsonKeyValue {
  key: string;
  value: {
    stringValue?: string;
    boolValue?: boolean;
    intValue?: number | string;
    doubleValue?: number;
  };
}
interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: JsonKeyValue[];
  status?: { code?: number };
}
interface JsonRequest {
  resourceSpans?: {
    resource?: { attributes?: JsonKeyValue[] };
    scopeSpans?: { spans?: JsonSpan[] }[];
  }[];
}

function jsonAttributes(list: JsonKeyValue[] | undefined): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const { key, value } of list ?? []) {
    attributes[key] =
      value.stringValue ??
      value.boolValue ??
      (value.intValue !== undefined ? Number(value.intValue) : (value.doubleValue ?? ''));
  }
  return attributes;
}

function decodeJson(body: Buffer, encoding: string): ReceivedSpan[] {
  const request = JSON.parse(body.toString('utf8')) as JsonRequest;
  return (request.resourceSpans ?? []).flatMap((rs) =>
    (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? '',
        name: span.name,
        kind: span.kind,
        attributes: jsonAttributes(span.attributes),
        statusCode: span.status?.code ?? 0,
        resource: jsonAttributes(rs.resource?.attributes),
        encoding,
      })),
    ),
  );
}

// --- the receiver -----------------------------------------------------------------------------

export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** Spans received, kept or not. */
  received = 0;
  readonly exports: ReceivedExport[] = [];
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  /** `retain: false` counts spans without keeping them (a benchmark receives millions). */
  constructor(private readonly settings: { retain?: boolean } = {}) {}
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const contentType = req.headers['content-type'] ?? '';
      this.exports.push({ contentType, headers: req.headers });
      const body = Buffer.concat(chunks);
      try {
        const decoded = contentType.includes('json')
          ? decodeJson(body, contentType)
          : decodeProtobuf(body, contentType);
        this.received += decoded.length;
        if (this.settings.retain !== false) this.spans.push(...decoded);
        res
          .writeHead(200, { 'content-type': contentType })
          .end(contentType.includes('json') ? '{}' : '');
      } catch (error) {
        res.writeHead(400).end(String(error));
      }
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.check()) return true;
        waiter.resolve();
        return false;
      });
    });
  });

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return this;
  }

  /** e.g. http://127.0.0.1:43210 (OTEL_EXPORTER_OTLP_ENDPOINT) */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves with the first span matching, once it has arrived. */
  async span(match: (span: ReceivedSpan) => boolean): Promise<ReceivedSpan> {
    const found = () => this.spans.find(match);
    const existing = found();
    if (existing) return existing;
    await new Promise<void>((resolve) => this.waiters.push({ check: () => !!found(), resolve }));
    return found() as ReceivedSpan;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
