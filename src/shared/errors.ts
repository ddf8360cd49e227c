/** The one error type of the domain; transports map `kind` to their own vocabulary (HTTP status, ack). */
export type ErrorKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'not_implemented'
  | 'unavailable';

export interface FieldError {
  field: string;
  message: string;
}

export interface AppErrorDetails {
  errors?: FieldError[];
  retryAfterSec?: number;
  [key: string]: unknown;
}

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details: AppErrorDetails = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Shorthands so call sites read as sentences: `throw notFound('listing')`. */
export const invalid = (errors: FieldError[], message = 'The request is not valid.') =>
  new AppError('invalid', 'validation_failed', message, { errors });
export const unauthorized = (code = 'unauthorized', message = 'Authentication is required.') =>
  new AppError('unauthorized', code, message);
export const forbidden = (code = 'forbidden', message = 'You are not allowed to do this.') =>
  new AppError('forbidden', code, message);
export const notFound = (what: string) => new AppError('not_found', 'not_found', `The ${what} does not exist.`);
export const conflict = (code: string, message: string, details?: AppErrorDetails) =>
  new AppError('conflict', code, message, details);
export const unprocessable = (code: string, message: string, details?: AppErrorDetails) =>
  new AppError('unprocessable', code, message, details);
export const rateLimited = (retryAfterSec: number, message = 'Too many requests, slow down.', details: AppErrorDetails = {}) =>
  new AppError('rate_limited', 'rate_limited', message, { ...details, retryAfterSec });

export const isAppError = (err: unknown): err is AppError => err instanceof AppError;
