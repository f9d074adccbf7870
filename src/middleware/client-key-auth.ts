import { hash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { UnauthorizedError } from '../errors.js';
import type { ProxyState } from '../http/state.js';

/** What the checker recognizes: Unleash tokens are src/scopes' (middleware/unleash-token-auth.ts). */
type Credential = Exclude<NonNullable<ProxyState['credential']>, 'unleash-token'>;

function digest(value: string): Buffer {
  // One-shot `hash` (Node 20.12+): it runs on every request, at a third of createHash's cost.
  return hash('sha256', value, 'buffer');
}

interface Checked {
  readonly kind: Credential;
  /** A short, non-reversible id of the credential, for ETags and rate limits. */
  readonly id: string;
}

/**
 * Checks a presented secret against the known ones without leaking, through timing, how much
 * of it matched: an unknown secret is compared (as fixed-length digests) with every candidate.
 * A known secret, the common case on every request, is found by a map lookup first: that
 * takes the time of hashing the presented string whatever it holds, and only tells a caller
 * that its secret is valid, which the answer tells anyway. It saves a SHA-256 per request.
 */
export class CredentialChecker {
  private readonly known: { digest: Buffer; kind: Credential }[];
  private readonly byValue = new Map<string, Checked>();

  constructor(clientKeys: readonly string[], serverTokens: readonly string[] = []) {
    this.known = [
      ...clientKeys.map((key) => ({ digest: digest(key), kind: 'client-key' as const })),
      ...serverTokens.map((token) => ({ digest: digest(token), kind: 'server-token' as const })),
    ];
    for (const secret of [...clientKeys, ...serverTokens]) {
      const checked = this.compareDigests(secret);
      if (checked !== undefined) this.byValue.set(secret, checked);
    }
  }

  /** The kind of credential presented, or undefined when it is not a known one. */
  check(presented: string): Checked | undefined {
    return this.byValue.get(presented) ?? this.compareDigests(presented);
  }

  private compareDigests(presented: string): Checked | undefined {
    const presentedDigest = digest(presented);
    let match: Credential | undefined;
    for (const candidate of this.known) {
      if (timingSafeEqual(candidate.digest, presentedDigest) && match === undefined) {
        match = candidate.kind;
      }
    }
    return match === undefined
      ? undefined
      : Object.freeze({ kind: match, id: presentedDigest.subarray(0, 8).toString('hex') });
  }
}

/** Lets a request through only with one of the accepted kinds of credential in `headerName`. */
export function requireCredential(
  checker: CredentialChecker,
  headerName: string,
  accepted: readonly Credential[] = ['client-key'],
): Middleware<ProxyState> {
  return (ctx, next) => {
    const presented = ctx.get(headerName);
    const result = presented === '' ? undefined : checker.check(presented);
    if (result === undefined || !accepted.includes(result.kind)) throw new UnauthorizedError();
    ctx.state.credential = result.kind;
    ctx.state.credentialId = result.id;
    return next();
  };
}
