import type { AppError, ErrorKind } from './errors';

/** RFC 9457 problem documents: how an AppError looks to any client (HTTP body, socket ack). */
const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  not_implemented: 501,
  unavailable: 503,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  [extra: string]: unknown;
}

export const statusOf = (err: AppError): number => STATUS[err.kind];

/** RFC 9457 body for an AppError (also used by socket acks, minus `instance`). */
export function toProblem(err: AppError, instance?: string): Problem {
  const status = statusOf(err);
  const { retryAfterSec: _retry, ...extras } = err.details;
  // Extras first: a detail can never overwrite the status, code or type of the problem.
  return {
    ...extras,
    type: `https://biddt.ca/problems/${err.code.replaceAll('_', '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    code: err.code,
    detail: err.message,
    ...(instance ? { instance } : {}),
  };
}
