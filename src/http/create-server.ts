import { createServer, type RequestListener, type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ProxyConfig } from '../config/load-config.js';
import type { Logger } from '../logger.js';

export type ServerLimits = Pick<
  ProxyConfig,
  'maxHeaderBytes' | 'requestTimeoutMs' | 'headersTimeoutMs' | 'keepAliveTimeoutMs'
>;

/**
 * An HTTP server with the configured limits and timeouts. Node enforces them before Koa sees
 * a request, so a client that sends too much or too slowly costs a parser and a socket, never
 * a middleware run; `clientError` answers those clients in the proxy's JSON error shape.
 */
export function createHttpServer(
  limits: ServerLimits,
  logger: Logger,
  listener: RequestListener,
): Server {
  const requestTimeout = limits.requestTimeoutMs;
  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderBytes,
      requestTimeout,
      // Node refuses a headers timeout above the request timeout.
      headersTimeout: Math.min(limits.headersTimeoutMs, requestTimeout),
      // Node checks the two timeouts above on this interval (30 s by default), which would
      // let a slow client stay far past a short timeout.
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(requestTimeout / 4))),
    },
    listener,
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    answerClientError(error, socket, logger);
  });
  return server;
}

const STATUS_BY_CODE: Readonly<Record<string, { status: number; code: string; message: string }>> =
  {
    HPE_HEADER_OVERFLOW: {
      status: 431,
      code: 'HEADERS_TOO_LARGE',
      message: 'The request line and headers are larger than the server accepts.',
    },
    ERR_HTTP_REQUEST_TIMEOUT: {
      status: 408,
      code: 'REQUEST_TIMEOUT',
      message: 'The request was not received in time.',
    },
    ERR_HTTP_HEADERS_TIMEOUT: {
      status: 408,
      code: 'REQUEST_TIMEOUT',
      message: 'The request headers were not received in time.',
    },
  };

/** Whether a response already started on this socket (Node keeps it on `_httpMessage`). */
function responseStarted(socket: Duplex): boolean {
  const message: unknown = (socket as { _httpMessage?: unknown })._httpMessage;
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { headersSent?: unknown }).headersSent === true
  );
}

/** A request Node could not parse or that broke a limit: a JSON 4xx, then the socket closes. */
function answerClientError(error: Error & { code?: string }, socket: Duplex, logger: Logger): void {
  if (error.code === 'ECONNRESET' || !socket.writable || responseStarted(socket)) {
    socket.destroy();
    return;
  }
  const known = error.code === undefined ? undefined : STATUS_BY_CODE[error.code];
  const status = known?.status ?? 400;
  const body = JSON.stringify({
    statusCode: status,
    code: known?.code ?? 'BAD_REQUEST',
    error: STATUS_CODES[status] ?? 'Bad Request',
    message: known?.message ?? 'The request is not valid HTTP.',
  });
  logger.debug({ code: error.code, status }, 'client error');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
  // A client that keeps sending, or never reads, must not keep the socket.
  socket.once('finish', () => socket.destroy());
  setTimeout(() => socket.destroy(), 1_000).unref();
}
