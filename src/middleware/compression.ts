import type { Middleware } from 'koa';
import compress from 'koa-compress';
import { BROTLI_OPTIONS, COMPRESSION_THRESHOLD_BYTES, encodingFor } from '../http/compress-body.js';
import type { ProxyState } from '../http/state.js';

/**
 * koa-compress, entered only when the request accepts an encoding it would use: otherwise it
 * would only add `Vary: Accept-Encoding` and, after the route, inspect the response to settle on
 * identity. That inspection is skipped; the Vary header is kept, the answer still varies. A
 * header that accepts nothing at all (`identity;q=0`, `*;q=0`) gets the answer uncompressed:
 * koa-compress would set `Content-Encoding: undefined` and fail with a 500.
 *
 * Brotli at quality 1 rather than koa-compress's 4: measured with `npm run bench --
 * --accept-encoding 'gzip, deflate, br'` at 200 flags (a 9.6 KB answer), the proxy spent about
 * 430 µs of CPU per answer at quality 1 against 680 at 4, 640 for gzip level 6 and 520 for gzip
 * level 1, for 760 bytes on the wire against 610 at quality 4. Most of what is left is the cost
 * of a zlib stream per response, not of compressing.
 */
export function compression(): Middleware<ProxyState> {
  const compressing = compress({ threshold: COMPRESSION_THRESHOLD_BYTES, br: BROTLI_OPTIONS });
  return (ctx, next) => {
    const accepted = ctx.req.headers['accept-encoding'];
    if (accepted !== undefined && encodingFor(accepted) !== undefined) {
      return compressing(ctx, next);
    }
    // What ctx.vary gives after CORS's `Vary: Origin`, without parsing the header again.
    if (ctx.res.getHeader('Vary') === 'Origin')
      ctx.res.setHeader('Vary', 'Origin, Accept-Encoding');
    else ctx.vary('Accept-Encoding');
    return next();
  };
}
