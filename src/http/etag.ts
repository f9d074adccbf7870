import { createHash } from 'node:crypto';

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
  const digest = createHash('sha1')
    .update(route)
    .update('\0')
    .update(credentialId)
    .update('\0')
    .update(canonicalContext)
    .digest('base64url');
  return `W/"${flagsFingerprint}-${digest}"`;
}

/**
 * Whether an If-None-Match header names `etag`, compared weakly as RFC 9110 asks for it.
 * Unlike Koa's `ctx.fresh` this also holds for POST: the tag already covers the method, the
 * requested flag names and the whole context, and unleash-proxy-client revalidates its POST
 * polls with If-None-Match too.
 */
export function ifNoneMatchMatches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch === '') return false;
  const opaque = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag);
  const wanted = opaque(etag);
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag === '*' || opaque(tag) === wanted);
}
