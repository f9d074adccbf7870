import { AppError, BadRequestError, MalformedJsonError } from '../../errors.js';
import { quotedName } from '../../http/caller-names.js';
import type { OfrepErrorCode } from './map-evaluation.js';

/** A request OFREP calls invalid: 400 with its `errorCode`. */
export class OfrepRequestError extends AppError {
  constructor(
    readonly errorCode: Extract<OfrepErrorCode, 'INVALID_CONTEXT' | 'PARSE_ERROR'>,
    message: string,
  ) {
    super(400, errorCode, message);
  }
}

/** The single-flag route names a flag the caller cannot see. */
export class FlagNotFoundError extends AppError {
  constructor(readonly key: string) {
    super(404, 'FLAG_NOT_FOUND', `Flag ${quotedName(key)} was not found.`);
  }
}

/** A flag's payload does not read as the flag's type (a number payload that is no number). */
export class FlagPayloadError extends AppError {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(500, 'FLAG_PAYLOAD_INVALID', message);
  }
}

/** The OFREP error code of an error answered on an OFREP route. */
export function ofrepErrorCode(error: AppError): OfrepErrorCode {
  if (error instanceof OfrepRequestError) return error.errorCode;
  if (error instanceof FlagNotFoundError) return 'FLAG_NOT_FOUND';
  if (error instanceof FlagPayloadError) return 'PARSE_ERROR';
  if (error instanceof MalformedJsonError) return 'PARSE_ERROR';
  if (error instanceof BadRequestError) return 'INVALID_CONTEXT';
  return 'GENERAL';
}
