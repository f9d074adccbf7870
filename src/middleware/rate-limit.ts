import type { Middleware } from 'koa';
import { TooManyRequestsError } from '../errors.js';
import type { ProxyState } from '../http/state.js';

/** Past this many tracked callers, the longest-idle ones are forgotten (they start afresh). */
const MAX_TRACKED = 100_000;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per caller: `perSecond` requests a second on average, bursts of up to
 * `perSecond`. Memory is bounded: a Map in insertion order of last use, trimmed from the
 * oldest end.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token; returns 0 when allowed, else the seconds until one is available. */
  take(caller: string): number {
    const now = this.now();
    const bucket = this.buckets.get(caller) ?? { tokens: this.perSecond, updatedAt: now };
    this.buckets.delete(caller);
    bucket.tokens = Math.min(
      this.perSecond,
      bucket.tokens + ((now - bucket.updatedAt) / 1_000) * this.perSecond,
    );
    bucket.updatedAt = now;
    this.buckets.set(caller, bucket);
    if (this.buckets.size > MAX_TRACKED) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
  }
}

/**
 * 429 with Retry-After once a caller passes its rate. `callerOf` names the caller (client IP,
 * credential id); a request it cannot name is not limited here.
 */
export function rateLimit(
  perSecond: number,
  callerOf: (state: ProxyState) => string | undefined,
): Middleware<ProxyState> {
  const limiter = new RateLimiter(perSecond);
  return async (ctx, next) => {
    const caller = callerOf(ctx.state);
    if (caller !== undefined) {
      const retryAfter = limiter.take(caller);
      if (retryAfter > 0) {
        ctx.set('Retry-After', String(retryAfter));
        throw new TooManyRequestsError(retryAfter);
      }
    }
    await next();
  };
}

export interface RateLimitGuards {
  readonly beforeAuth: Middleware<ProxyState>[];
  readonly afterAuth: Middleware<ProxyState>[];
}

/**
 * The rate-limit guards the options ask for: per IP before the key check, per key after. Made
 * once per app: every API route takes its tokens from the same buckets, so a caller's rate is
 * the same whichever dialect it calls.
 */
export function rateLimitGuards(limits: {
  rateLimitPerIp: number;
  rateLimitPerKey: number;
}): RateLimitGuards {
  return {
    beforeAuth:
      limits.rateLimitPerIp > 0
        ? [rateLimit(limits.rateLimitPerIp, (state) => state.clientIp)]
        : [],
    afterAuth:
      limits.rateLimitPerKey > 0
        ? [rateLimit(limits.rateLimitPerKey, (state) => state.credentialId)]
        : [],
  };
}
