import { connect, type Socket } from 'node:net';
import { expect } from 'vitest';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The server closed the connection after answering. */
  closed: boolean;
}

/** Opens a TCP connection to an `http://127.0.0.1:port` origin. */
export function openSocket(origin: string): Promise<Socket> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Parses what a server wrote on one connection; undefined until a whole response arrived. */
export function parseResponse(raw: Buffer, closed: boolean): RawResponse | undefined {
  const text = raw.toString('latin1');
  const headerEnd = text.indexOf('\r\n\r\n');
  if (headerEnd === -1) return undefined;
  const [statusLine = '', ...lines] = text.slice(0, headerEnd).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? Number.NaN);
  const body = raw.subarray(Buffer.byteLength(text.slice(0, headerEnd + 4), 'latin1'));
  if (Number.isFinite(length) && body.length < length && !closed) return undefined;
  if (!Number.isFinite(length) && !closed) return undefined;
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: body.toString('utf8'),
    closed,
  };
}

/**
 * Reads the first response on a socket. Resolves once it is complete (and, with `untilClosed`,
 * once the server closed the connection); rejects when the socket closes with no answer.
 */
export function readResponse(socket: Socket, { untilClosed = false } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const check = (closed: boolean) => {
      const response = parseResponse(Buffer.concat(chunks), closed);
      if (response !== undefined && (closed || !untilClosed)) {
        socket.off('data', onData);
        resolve(response);
        return true;
      }
      return false;
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      check(false);
    };
    socket.on('data', onData);
    socket.once('close', () => {
      if (!check(true)) reject(new Error('connection closed without a response'));
    });
    socket.on('error', () => {
      // a reset after the answer is fine; 'close' follows and decides
    });
  });
}

/** Sends raw bytes on a fresh connection and reads the answer. */
export async function rawRequest(
  origin: string,
  payload: string | Buffer,
  options: { untilClosed?: boolean } = {},
): Promise<RawResponse> {
  const socket = await openSocket(origin);
  try {
    const response = readResponse(socket, options);
    socket.write(payload);
    return await response;
  } finally {
    socket.destroy();
  }
}

/** The proxy's one JSON error shape, with the given status. */
export function expectErrorShape(body: unknown, status: number, code?: string): void {
  expect(body).toMatchObject({
    statusCode: status,
    code: code ?? expect.any(String),
    error: expect.any(String),
    message: expect.any(String),
  });
}
