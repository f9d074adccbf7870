/**
 * Every error a client can see is an AppError with a stable code. One middleware turns them
 * into the single JSON error shape; anything else becomes a 500 that reveals nothing.
 */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends AppError {
  constructor(message: string, details?: unknown) {
    super(400, 'BAD_REQUEST', message, details);
  }
}

export class MalformedJsonError extends AppError {
  constructor(message = 'The request body is not valid JSON.') {
    super(400, 'MALFORMED_JSON', message);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'A valid client key is required in the configured header.') {
    super(401, 'UNAUTHORIZED', message);
  }
}

export class NotFoundError extends AppError {
  constructor() {
    super(404, 'NOT_FOUND', 'No route matches this path.');
  }
}

export class MethodNotAllowedError extends AppError {
  constructor() {
    super(
      405,
      'METHOD_NOT_ALLOWED',
      'This path does not accept this method; see the Allow header.',
    );
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${limitBytes} bytes.`);
  }
}

export class UriTooLongError extends AppError {
  constructor(limitBytes: number) {
    super(414, 'URI_TOO_LONG', `The query string is longer than ${limitBytes} bytes.`);
  }
}

export class RequestAbortedError extends AppError {
  constructor() {
    super(400, 'REQUEST_ABORTED', 'The client stopped sending the request.');
  }
}

export class TooManyRequestsError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'TOO_MANY_REQUESTS', `Rate limit exceeded; retry in ${retryAfterSeconds} s.`);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor() {
    super(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be application/json.');
  }
}

export class EndpointDisabledError extends AppError {
  constructor(setting: string) {
    super(501, 'ENDPOINT_DISABLED', `This endpoint is disabled; enable it with ${setting}=true.`);
  }
}

export class NotReadyError extends AppError {
  constructor() {
    super(503, 'NOT_READY', 'The proxy has not loaded its flags yet.');
  }
}

export class EnricherFailedError extends AppError {
  constructor() {
    super(500, 'ENRICHER_FAILED', 'A context enricher failed; the proxy log has the details.');
  }
}

export class FlagsStaleError extends AppError {
  constructor(ageMs: number, maxAgeMs: number) {
    super(503, 'FLAGS_STALE', 'The proxy has not synchronized its flags with Unleash recently.', {
      lastSyncAgeMs: ageMs,
      maxAgeMs,
    });
  }
}

/** Thrown at boot with every configuration problem found, never at request time. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** 401 of the Unleash-token APIs: no token, or one Unleash does not know. */
export class InvalidTokenError extends AppError {
  constructor(message: string) {
    super(401, 'INVALID_TOKEN', message);
  }
}

/** 403: a valid token of a kind this API does not take (backend on frontend paths...). */
export class WrongTokenTypeError extends AppError {
  constructor(presented: string, expected: string) {
    super(
      403,
      'WRONG_TOKEN_TYPE',
      `This endpoint takes ${expected} tokens; the token presented is a ${presented} token.`,
      { presented, expected },
    );
  }
}

/** 403: a valid token for flags this proxy does not synchronize (no configured token covers it). */
export class ScopeNotCoveredError extends AppError {
  constructor(missing: string) {
    super(
      403,
      'SCOPE_NOT_COVERED',
      `This proxy has no backend token for ${missing}: add one that covers it to UNLEASH_API_TOKENS (or TOKENS).`,
      { missing },
    );
  }
}

/** 503: Unleash could not be asked about a token seen for the first time. */
export class TokenValidationUnavailableError extends AppError {
  constructor() {
    super(
      503,
      'TOKEN_VALIDATION_UNAVAILABLE',
      'The proxy cannot validate this token with Unleash right now; retry later.',
    );
  }
}

/** 503 of readiness: some configured scopes have no flags yet; they are named. */
export class ScopesNotReadyError extends AppError {
  constructor(notReady: readonly string[]) {
    super(503, 'SCOPES_NOT_READY', `Flags not loaded yet for ${notReady.join(', ')}.`, {
      notReady,
    });
  }
}
