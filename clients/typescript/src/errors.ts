import type { components } from './generated/api-types';

export type Problem = components['schemas']['Problem'] & { retryAfterSec?: number; minNextBidCents?: number };

/** A refused request or socket event: the HTTP status and the RFC 9457 problem the server answered. */
export class BiddtApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(`${problem.status} ${problem.code}: ${problem.detail}`);
    this.name = 'BiddtApiError';
    this.status = problem.status;
    this.code = problem.code;
    this.problem = problem;
  }
}

/** Any error body as a problem (a proxy's HTML page or an empty body becomes a generic one). */
export function asProblem(status: number, body: unknown): Problem {
  if (body && typeof body === 'object' && typeof (body as Problem).code === 'string') return body as Problem;
  return { type: 'about:blank', title: 'Error', status, code: 'http_error', detail: `The server answered ${status}.` };
}
