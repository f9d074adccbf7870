/**
 * The Koa floor: Koa and @koa/router alone answering GET /proxy with a fixed body (this
 * proxy's answer, read from BENCH_BODY_FILE) and its ETag, 304 when If-None-Match matches,
 * with the headers this proxy sends on that answer and nothing else: no auth, context, hash,
 * log, metrics or CORS logic. What it costs above bare node:http is Koa's and the router's
 * own work per request; what the proxy costs above it is the proxy's.
 * Run as its own process by the bench; plain JavaScript, so no loader sits in the process.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Router from '@koa/router';
import Koa from 'koa';

const body = readFileSync(process.env.BENCH_BODY_FILE ?? '', 'utf8');
const etag = process.env.BENCH_ETAG ?? '"floor"';
const port = Number(process.env.PORT);

const app = new Koa();
const router = new Router();
router.get('/proxy', (ctx) => {
  ctx.set('X-Request-Id', randomUUID());
  ctx.set('Vary', 'Origin, Accept-Encoding');
  ctx.set('Access-Control-Allow-Origin', '*');
  ctx.set('Access-Control-Expose-Headers', 'ETag');
  ctx.set('Cache-Control', 'public, max-age=2');
  ctx.set('ETag', etag);
  if (ctx.get('If-None-Match') === etag) {
    ctx.status = 304;
    return;
  }
  ctx.type = 'application/json';
  ctx.body = body;
});
app.use(router.routes());
app.listen(port, '127.0.0.1');
