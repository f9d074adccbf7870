/**
 * The floor of the comparison: bare node:http answering GET /proxy with a fixed body (this
 * proxy's answer, read from BENCH_BODY_FILE) and its ETag, 304 when If-None-Match matches.
 * Run as its own process by the bench; plain JavaScript, so no loader sits in the process.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const body = readFileSync(process.env.BENCH_BODY_FILE ?? '', 'utf8');
const etag = process.env.BENCH_ETAG ?? '"bare"';
const port = Number(process.env.PORT);

createServer((req, res) => {
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, { etag, 'cache-control': 'public, max-age=2' }).end();
    return;
  }
  res
    .writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      etag,
      'cache-control': 'public, max-age=2',
    })
    .end(body);
}).listen(port, '127.0.0.1');
