import { createHash, hash } from 'node:crypto';

/**
 * An ETag for an evaluation result, computed without evaluating: the same flags (by content
 * fingerprint), route, credential and context always give the same tag.
 */
export function evaluationEtag(
  flagsFingerprint: string,
  route: string,
  credentialId: string,
  canonicalContext: string,
): string {
  // One `hash` call over the joined parts: the same digest as successive update()s, at a third
  // of the cost (it runs on every request, 304s included).
  const digest = hash('sha1', `${route}\0${credentialId}\0${canonicalContext}`, 'base64url');
  return `W/"${flagsFingerprint}-${digest}"`;
}

/**
 * An ETag for an answer already computed: the same flags, route, credential and answer give
 * the same tag. Marked `a` so that it never equals a tag computed from the context.
 */
export function answerBodyEtag(
  flagsFingerprint: string,
  route: string,
  credentialId: string,
  body: string | Buffer,
): string {
  const digest =
    typeof body === 'string'
      ? hash('sha1', `${route}\0${credentialId}\0${body}`, 'base64url')
      : createHash('sha1').update(`${route}\0${credentialId}\0`).update(body).digest('base64url');
  return `W/"${flagsFingerprint}-a${digest}"`;
}

/**
 * Whether an If-None-Match header names `etag` (weak comparison, `*` matches anything).
 * Koa's `ctx.fresh` is not used: it refuses a 304 whenever the request says
 * `Cache-Control: no-cache`, which fetch adds to every request with If-None-Match, so the
 * browser SDK would never get one. This server is the origin; validating is its job.
 */
export function ifNoneMatchHits(header: string, etag: string): boolean {
  if (header === '') return false;
  // The common case, an SDK sending back the one tag it got, without splitting the header.
  if (header === etag) return true;
  const opaque = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag);
  const wanted = opaque(etag);
  return header
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag === '*' || opaque(tag) === wanted);
}
