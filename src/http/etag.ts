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
