import {
  MalformedJsonError,
  PayloadTooLargeError,
  RequestAbortedError,
  UnsupportedMediaTypeError,
} from '../errors.js';
import type { ProxyContext } from './state.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a JSON request body with a hard size limit. As in the original proxy, an empty body
 * reads as `{}` and a body without a Content-Type is read as JSON; a body of another declared
 * type is a 415, an oversized one a 413, one that is not valid UTF-8 or JSON a 400.
 */
export async function readJsonBody(ctx: ProxyContext, limitBytes: number): Promise<unknown> {
  const declaredLength = Number(ctx.get('Content-Length') || 0);
  const hasBody = declaredLength > 0 || ctx.get('Transfer-Encoding') !== '';
  if (!hasBody) return {};
  const declaresType = ctx.get('Content-Type') !== '';
  if (declaresType && !ctx.is('application/json', '+json')) throw new UnsupportedMediaTypeError();
  if (declaredLength > limitBytes) throw tooLarge(ctx, limitBytes);

  const bytes = await readAtMost(ctx, limitBytes);
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new MalformedJsonError('The request body is not valid UTF-8.');
  }
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MalformedJsonError();
  }
}

/**
 * Collects the body, failing as soon as it passes the limit. Events rather than `for await`,
 * because leaving a `for await` early destroys the socket and the 413 could not be sent.
 */
function readAtMost(ctx: ProxyContext, limitBytes: number): Promise<Buffer> {
  const request = ctx.req;
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('aborted', onError);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) {
        cleanup();
        reject(tooLarge(ctx, limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = () => {
      cleanup();
      reject(new RequestAbortedError());
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('aborted', onError);
  });
}

/**
 * Stops reading an oversized body: the answer says the connection closes, and the rest of the
 * body is discarded unread (PROXY_REQUEST_TIMEOUT_MS cuts off a client that never stops).
 */
function tooLarge(ctx: ProxyContext, limitBytes: number): PayloadTooLargeError {
  ctx.set('Connection', 'close');
  ctx.req.resume();
  return new PayloadTooLargeError(limitBytes);
}
