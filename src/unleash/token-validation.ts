import { randomUUID } from 'node:crypto';
import type { HttpOptions } from 'unleash-client/lib/http-options.js';
import { post } from 'unleash-client/lib/request.js';
import { NO_UPSTREAM_TRACING, type UpstreamTracer } from './upstream-tracer.js';

/** A token as Unleash's `POST /edge/validate` describes it. */
export interface ValidatedToken {
  readonly token: string;
  /** `client` and `backend` are the same kind (Unleash renamed it); `frontend`; `admin`. */
  readonly type: string;
  readonly environment: string;
  /** Project names, or `['*']` for every project. */
  readonly projects: readonly string[];
}

/** Asks Unleash which of these tokens are valid; the ones it does not return are not. */
export type TokenValidator = (tokens: readonly string[]) => Promise<readonly ValidatedToken[]>;

/** Unleash could not answer a validation; `status` is the HTTP status when it answered one. */
export class TokenValidationError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface TokenValidatorSettings {
  /** The Unleash API URL (`.../api`), as UNLEASH_URL. */
  readonly unleashUrl: string;
  readonly appName: string;
  readonly instanceId: string;
  readonly timeoutMs: number;
  /** The agent and TLS setting of every call to Unleash (`unleashHttpOptions`). */
  readonly httpOptions: HttpOptions;
  /** Spans for the validation calls; none by default. */
  readonly upstream?: UpstreamTracer;
}

/**
 * Unleash serves the validation next to its API, at `<base>/edge/validate` where the API is
 * `<base>/api`, and asks for no credential (Edge sends none).
 */
export function edgeValidateUrl(unleashUrl: string): string {
  const base = unleashUrl.replace(/\/+$/, '').replace(/\/api$/, '');
  return `${base}/edge/validate`;
}

/**
 * Calls `POST /edge/validate` through unleash-client's HTTP layer (same agent, TLS setting and
 * identifying headers as the polls). Throws TokenValidationError when Unleash cannot answer:
 * the caller must then tell "invalid" from "unknown for now".
 */
export function createTokenValidator(settings: TokenValidatorSettings): TokenValidator {
  const url = edgeValidateUrl(settings.unleashUrl);
  const connectionId = randomUUID();
  const upstream = settings.upstream ?? NO_UPSTREAM_TRACING;
  return async (tokens) => {
    let status: number;
    let body: unknown;
    // A child of the request that presented the token, when one did.
    const span = upstream.start('validate tokens', 'POST', url);
    try {
      const response = await post({
        headers: span.headers,
        url,
        json: { tokens: [...tokens] },
        appName: settings.appName,
        instanceId: settings.instanceId,
        connectionId,
        timeout: settings.timeoutMs,
        httpOptions: settings.httpOptions,
      });
      status = response.status;
      span.end({ status });
      const text = await response.text();
      body = status === 200 ? JSON.parse(text) : undefined;
    } catch (error) {
      span.end({ error });
      throw new TokenValidationError(
        `token validation at ${url} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (status !== 200) {
      throw new TokenValidationError(`token validation at ${url} answered ${status}`, status);
    }
    return readValidatedTokens(body, new Set(tokens));
  };
}

/**
 * The tokens of a validation answer, narrowed from unknown. Only tokens that were asked about
 * are believed: an answer cannot grant a token nobody presented.
 */
export function readValidatedTokens(body: unknown, asked: ReadonlySet<string>): ValidatedToken[] {
  if (typeof body !== 'object' || body === null || !Array.isArray(Reflect.get(body, 'tokens'))) {
    throw new TokenValidationError('token validation answered without a tokens list');
  }
  const found: ValidatedToken[] = [];
  for (const entry of Reflect.get(body, 'tokens') as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const token: unknown = Reflect.get(entry, 'token');
    const type: unknown = Reflect.get(entry, 'type');
    const environment: unknown = Reflect.get(entry, 'environment');
    const projects: unknown = Reflect.get(entry, 'projects');
    if (typeof token !== 'string' || !asked.has(token)) continue;
    if (typeof type !== 'string' || typeof environment !== 'string') continue;
    if (!Array.isArray(projects) || !projects.every((p) => typeof p === 'string')) continue;
    found.push(Object.freeze({ token, type, environment, projects: Object.freeze([...projects]) }));
  }
  return found;
}
