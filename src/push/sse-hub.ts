import type { ServerResponse } from 'node:http';
import { AppError } from '../errors.js';
import type { ProxyContext } from '../http/state.js';

/** The instance holds its maximum of streams: SDKs fall back to polling on a 429. */
export class TooManyStreamsError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      429,
      'TOO_MANY_STREAMS',
      `This instance holds its maximum of event streams; poll instead, or retry in ${retryAfterSeconds} s.`,
    );
  }
}

export interface SseLimits {
  /** Streams one instance holds at once; the next one gets 429. */
  readonly maxConnections: number;
  /** A stream is ended after this long (plus up to a tenth more, spread), so load balancers can rebalance. */
  readonly maxAgeMs: number;
  /** A comment line is sent this often, so that idle connections and read timeouts stay alive. */
  readonly heartbeatMs: number;
  /** The reconnection delay suggested to EventSource clients. */
  readonly retryMs: number;
}

/** One open event stream. */
export interface SseConnection {
  /** Writes one event, or several already framed (see `sseFrame`). */
  send(frames: string): void;
  /** Ends the stream; the client reconnects. */
  close(): void;
  /** Called once when the stream ends, whoever ended it. */
  onClose(listener: () => void): void;
}

/** One event in the text/event-stream format; the data is written on one line (JSON). */
export function sseFrame(event: { event?: string; id?: string; data: string }): string {
  const id = event.id === undefined ? '' : `id: ${event.id.replace(/[\r\n]/g, '')}\n`;
  const name = event.event === undefined ? '' : `event: ${event.event}\n`;
  return `${id}${name}data: ${event.data.replace(/\r?\n/g, '\ndata: ')}\n\n`;
}

/** Bytes waiting for a client that does not read: past this its stream is ended. */
const MAX_BUFFERED_BYTES = 1_048_576;

class OpenStream implements SseConnection {
  private closed = false;
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly response: ServerResponse,
    readonly closesAt: number,
    private readonly release: (stream: OpenStream) => void,
  ) {
    response.on('close', () => this.ended());
  }

  send(frames: string): void {
    if (this.closed) return;
    // A client that stopped reading is let go rather than buffered for without bound.
    if (this.response.writableLength > MAX_BUFFERED_BYTES) this.close();
    else this.response.write(frames);
  }

  close(): void {
    if (this.closed) return;
    this.response.end();
    this.ended();
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.listeners.push(listener);
  }

  private ended(): void {
    if (this.closed) return;
    this.closed = true;
    this.release(this);
    for (const listener of this.listeners) listener();
  }
}

/**
 * Every event stream of this instance: the connection limit, heartbeats and maximum age on one
 * shared timer (not one per connection), and the end of all streams at shutdown. A stream is
 * opened by a route after the pipeline let the request in (auth, readiness, rate limits); its
 * headers include those the pipeline set (CORS). It is never compressed: a compressor would
 * hold events back.
 */
export class SseHub {
  private readonly streams = new Set<OpenStream>();
  private readonly timer: NodeJS.Timeout;
  private shuttingDown = false;

  constructor(private readonly limits: SseLimits) {
    this.timer = setInterval(() => this.tick(), limits.heartbeatMs);
    this.timer.unref();
  }

  get size(): number {
    return this.streams.size;
  }

  /** Answers the request with an event stream; throws TooManyStreamsError at the limit. */
  open(ctx: ProxyContext): SseConnection {
    if (this.shuttingDown || this.streams.size >= this.limits.maxConnections) {
      const retryAfter = Math.max(1, Math.ceil(this.limits.retryMs / 1000));
      ctx.set('Retry-After', String(retryAfter));
      throw new TooManyStreamsError(retryAfter);
    }
    const response = ctx.res;
    ctx.status = 200;
    ctx.respond = false;
    response.writeHead(200, {
      ...(ctx.response.headers as Record<string, string | string[]>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // Tells nginx not to buffer the stream.
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    ctx.req.socket.setNoDelay(true);
    ctx.req.socket.setKeepAlive(true);
    const spread = Math.floor(Math.random() * (this.limits.maxAgeMs / 10));
    const stream = new OpenStream(response, Date.now() + this.limits.maxAgeMs + spread, (closed) =>
      this.streams.delete(closed),
    );
    this.streams.add(stream);
    response.write(`retry: ${this.limits.retryMs}\n:ok\n\n`);
    return stream;
  }

  /** Ends every stream and refuses new ones: the first step of a shutdown. */
  closeAll(): void {
    this.shuttingDown = true;
    clearInterval(this.timer);
    for (const stream of [...this.streams]) stream.close();
  }

  private tick(): void {
    const now = Date.now();
    for (const stream of [...this.streams]) {
      if (now >= stream.closesAt) stream.close();
      else stream.send(':\n\n');
    }
  }
}
