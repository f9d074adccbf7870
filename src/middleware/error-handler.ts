import { STATUS_CODES } from 'node:http';
import { AppError, NotFoundError } from '../errors.js';
import type { ProxyContext } from '../http/state.js';

export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  details?: unknown;
}

export function errorBody(error: AppError): ErrorBody {
  const body: ErrorBody = {
    statusCode: error.statusCode,
    code: error.code,
    error: STATUS_CODES[error.statusCode] ?? 'Error',
    message: error.message,
  };
  if (error.details !== undefined) body.details = error.details;
  return body;
}

/** Errors Koa or Node raise on their own (a client that went away, a bad header), by status. */
function fromHttpError(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { status?: unknown }).status;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  const code = (STATUS_CODES[status] ?? 'Bad Request').toUpperCase().replace(/[^A-Z]+/g, '_');
  return new AppError(status, code, STATUS_CODES[status] ?? 'Bad request');
}

/** What the routes left unanswered (no route, or a route that set no body): a 404. */
export function answerUnanswered(ctx: ProxyContext): void {
  if (ctx.status === 404 && ctx.body === undefined) answerError(ctx, new NotFoundError());
}

/**
 * Answers an error, thrown anywhere, in the one JSON shape. A 5xx that is not an AppError is
 * logged in full and answered without any internals. Run by `requestEnvelope`, around the
 * whole pipeline but the request hooks.
 */
export function answerError(ctx: ProxyContext, error: unknown): void {
  const known = error instanceof AppError ? error : fromHttpError(error);
  const appError = known ?? new AppError(500, 'INTERNAL_ERROR', 'Something went wrong.');
  if (known === undefined) {
    ctx.state.log.error({ err: error }, 'unhandled error');
  } else if (appError.statusCode >= 500) {
    ctx.state.log.warn({ code: appError.code }, appError.message);
  }
  ctx.status = appError.statusCode;
  const dialectFields = ctx.state.errorFields?.(appError);
  ctx.body = dialectFields ? { ...dialectFields, ...errorBody(appError) } : errorBody(appError);
}
