import { MalformedJsonError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors.js';
import type { ProxyContext } from './state.js';

/**
 * Reads a JSON request body with a hard size limit. An empty body reads as `{}`, as the
 * original proxy treated it; a body of another type is a 415, an oversized one a 413.
 */
export async function readJsonBody(ctx: ProxyContext, limitBytes: number): Promise<unknown> {
  const declaredLength = Number(ctx.get('Content-Length') || 0);
  const hasBody = declaredLength > 0 || ctx.get('Transfer-Encoding') !== '';
  if (!hasBody) return {};
  if (!ctx.is('application/json', '+json')) throw new UnsupportedMediaTypeError();
  if (declaredLength > limitBytes) throw tooLarge(ctx, limitBytes);

  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of ctx.req) {
    const buffer = chunk as Buffer;
    received += buffer.length;
    if (received > limitBytes) throw tooLarge(ctx, limitBytes);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MalformedJsonError();
  }
}

/** Stops reading an oversized body: the rest is discarded and the connection closed after. */
function tooLarge(ctx: ProxyContext, limitBytes: number): PayloadTooLargeError {
  ctx.set('Connection', 'close');
  ctx.req.resume();
  return new PayloadTooLargeError(limitBytes);
}
