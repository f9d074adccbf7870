import { describeError, type Logger } from '../logger.js';
import {
  TokenValidationError,
  type TokenValidator,
  type ValidatedToken,
} from '../unleash/token-validation.js';
import { type Scope, scopeOf } from './scope.js';

/** What a token may do: frontend tokens read evaluated flags, backend tokens flag definitions. */
export type TokenKind = 'frontend' | 'backend' | 'admin';

/** A token whose kind and scope are known, from Unleash or from local configuration. */
export interface ResolvedToken {
  readonly secret: string;
  readonly kind: TokenKind;
  readonly scope: Scope;
  /** `upstream`: validated by Unleash (and revalidated); `trusted`: configured locally. */
  readonly source: 'upstream' | 'trusted';
}

export type Resolution =
  | { readonly status: 'valid'; readonly token: ResolvedToken }
  | { readonly status: 'invalid' }
  /**
   * Unleash could not be asked and the token is not in the cache: neither yes nor no.
   * `upstreamStatus`: the HTTP status of the validation when Unleash answered one (404: an
   * Unleash without `/edge/validate`).
   */
  | { readonly status: 'unavailable'; readonly upstreamStatus?: number };

export interface TokenResolverSettings {
  /** Absent in offline mode: then only trusted tokens are valid. */
  readonly validate?: TokenValidator | undefined;
  /** Tokens configured locally, valid without asking Unleash (PRETRUSTED_TOKENS, offline tokens). */
  readonly trusted?: readonly ResolvedToken[];
  /** How often tokens validated earlier are asked about again; revoked ones are dropped. */
  readonly revalidateEveryMs: number;
  /** How long "invalid" is believed before Unleash is asked again about the same string. */
  readonly invalidForMs: number;
  readonly logger: Logger;
  /** Most tokens remembered per answer kind; the oldest are forgotten first. */
  readonly maxCached?: number;
  readonly now?: () => number;
}

const INVALID: Resolution = Object.freeze({ status: 'invalid' });
const UNAVAILABLE: Resolution = Object.freeze({ status: 'unavailable' });
/** Tokens per validation request, so that one request stays small. */
const BATCH_SIZE = 200;

/** Unleash's names for the backend kind: `client` (older) and `backend` (newer). */
export function tokenKindOf(type: string): TokenKind | undefined {
  const lower = type.toLowerCase();
  if (lower === 'client' || lower === 'backend') return 'backend';
  if (lower === 'frontend') return 'frontend';
  if (lower === 'admin') return 'admin';
  return undefined;
}

function fromUpstream(validated: ValidatedToken): ResolvedToken | undefined {
  const kind = tokenKindOf(validated.type);
  if (kind === undefined) return undefined;
  return Object.freeze({
    secret: validated.token,
    kind,
    scope: scopeOf(validated.environment, validated.projects),
    source: 'upstream' as const,
  });
}

/**
 * Tells what an Unleash token is, asking Unleash's `POST /edge/validate` once per token and
 * remembering the answer: "valid" until a revalidation no longer finds the token (revoked or
 * expired), "invalid" for a short while, so that garbage tokens cannot make the proxy hammer
 * Unleash. Tokens asked about in the same turn of the event loop go in one request. While
 * Unleash cannot be reached, remembered tokens keep working; unknown ones are "unavailable".
 */
export class TokenResolver {
  private readonly valid = new Map<string, ResolvedToken>();
  private readonly invalidUntil = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<Resolution>>();
  private batch: { secrets: Set<string>; done: Promise<void> } | undefined;
  private readonly trusted: ReadonlyMap<string, ResolvedToken>;
  private readonly revokedListeners: ((token: ResolvedToken) => void)[] = [];
  private readonly now: () => number;
  private readonly maxCached: number;
  private timer: NodeJS.Timeout | undefined;
  private revalidation: Promise<void> | undefined;

  constructor(private readonly settings: TokenResolverSettings) {
    this.trusted = new Map((settings.trusted ?? []).map((token) => [token.secret, token]));
    this.now = settings.now ?? Date.now;
    this.maxCached = settings.maxCached ?? 10_000;
  }

  /** The answer already known for this token, without asking anyone. */
  peek(secret: string): ResolvedToken | undefined {
    return this.trusted.get(secret) ?? this.valid.get(secret);
  }

  /** What the token is; asks Unleash only when nothing is remembered about it. */
  resolve(secret: string): Promise<Resolution> {
    const known = this.peek(secret);
    if (known !== undefined) return Promise.resolve({ status: 'valid', token: known });
    const until = this.invalidUntil.get(secret);
    if (until !== undefined) {
      if (until > this.now()) return Promise.resolve(INVALID);
      this.invalidUntil.delete(secret);
    }
    if (this.settings.validate === undefined) return Promise.resolve(INVALID);
    let pending = this.inFlight.get(secret);
    if (pending === undefined) {
      pending = this.askInBatch(secret).finally(() => this.inFlight.delete(secret));
      this.inFlight.set(secret, pending);
    }
    return pending;
  }

  /** Called with each token a revalidation found revoked, after it is forgotten. */
  onRevoked(listener: (token: ResolvedToken) => void): void {
    this.revokedListeners.push(listener);
  }

  /** Starts the periodic revalidation (online mode). */
  start(): void {
    if (this.settings.validate === undefined || this.settings.revalidateEveryMs <= 0) return;
    this.timer = setInterval(() => void this.revalidate(), this.settings.revalidateEveryMs);
    this.timer.unref();
  }

  /**
   * Asks Unleash about every remembered token again. Tokens it no longer returns are forgotten
   * and reported; when it cannot be reached, everything stays as it was.
   */
  revalidate(): Promise<void> {
    this.revalidation ??= this.revalidateAll().finally(() => {
      this.revalidation = undefined;
    });
    return this.revalidation;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.revalidation;
  }

  private async revalidateAll(): Promise<void> {
    const validate = this.settings.validate;
    if (validate === undefined) return;
    const secrets = [...this.valid.keys()];
    for (let start = 0; start < secrets.length; start += BATCH_SIZE) {
      const chunk = secrets.slice(start, start + BATCH_SIZE);
      let answer: readonly ValidatedToken[];
      try {
        answer = await validate(chunk);
      } catch (error) {
        this.settings.logger.warn(
          { error: describeError(error) },
          'token revalidation failed; keeping the tokens validated before',
        );
        return;
      }
      const still = new Map(answer.map((validated) => [validated.token, validated]));
      for (const secret of chunk) {
        const validated = still.get(secret);
        const resolved = validated === undefined ? undefined : fromUpstream(validated);
        const before = this.valid.get(secret);
        if (resolved !== undefined) {
          this.valid.set(secret, resolved);
        } else if (before !== undefined) {
          this.valid.delete(secret);
          this.rememberInvalid(secret);
          for (const listener of this.revokedListeners) listener(before);
        }
      }
    }
  }

  /** Joins the batch of this turn of the event loop, then reads this token's answer. */
  private async askInBatch(secret: string): Promise<Resolution> {
    if (this.batch === undefined) {
      const secrets = new Set<string>();
      const done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.batch = undefined;
        return this.validateBatch([...secrets]);
      });
      this.batch = { secrets, done };
    }
    this.batch.secrets.add(secret);
    const batch = this.batch;
    // A batch larger than one request may fail halfway: the tokens answered before stay known.
    const failure = await batch.done.then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    const known = this.valid.get(secret);
    if (known !== undefined) return { status: 'valid', token: known };
    if (failure === undefined || this.invalidUntil.has(secret)) return INVALID;
    const { error } = failure;
    return error instanceof TokenValidationError && error.status !== undefined
      ? { status: 'unavailable', upstreamStatus: error.status }
      : UNAVAILABLE;
  }

  private async validateBatch(secrets: readonly string[]): Promise<void> {
    const validate = this.settings.validate;
    if (validate === undefined) return;
    for (let start = 0; start < secrets.length; start += BATCH_SIZE) {
      const chunk = secrets.slice(start, start + BATCH_SIZE);
      let answer: readonly ValidatedToken[];
      try {
        answer = await validate(chunk);
      } catch (error) {
        // An Unleash without the endpoint stays so: the boot check of the configured tokens
        // says it once, with what is served (ScopeSync); each request need not repeat it.
        const noEndpoint = error instanceof TokenValidationError && error.status === 404;
        this.settings.logger[noEndpoint ? 'debug' : 'warn'](
          { error: describeError(error) },
          'cannot validate tokens with Unleash now',
        );
        throw error;
      }
      const found = new Set<string>();
      for (const validated of answer) {
        const resolved = fromUpstream(validated);
        if (resolved === undefined) continue;
        found.add(resolved.secret);
        this.remember(this.valid, resolved.secret, resolved);
      }
      for (const secret of chunk) if (!found.has(secret)) this.rememberInvalid(secret);
    }
  }

  private rememberInvalid(secret: string): void {
    this.remember(this.invalidUntil, secret, this.now() + this.settings.invalidForMs);
  }

  /** Sets a value, forgetting the oldest entry when the map is full (Maps keep insertion order). */
  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    if (map.size >= this.maxCached) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
    map.set(key, value);
  }
}
