import { STATUS_CODES } from 'node:http';
import type { Middleware } from 'koa';
import { AppError, NotFoundError } from '../errors.js';
import type { ProxyState } from '../http/state.js';

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

/**
 * The outermost handler: every error, thrown anywhere, leaves as one JSON shape. A 5xx that
 * is not an AppError is logged in full and answered without any internals.
 */
export function errorHandler(): Middleware<ProxyState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new NotFoundError();
    } catch (error) {
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
  };
}
