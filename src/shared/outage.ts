import { AppError } from './errors';

/**
 * Errors meaning "PostgreSQL or Redis cannot answer right now" rather than "this request is wrong":
 * the request is answered 503 (retry later), never 500, and the dependency health probe is woken.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

// SQLSTATE: class 08 connection exceptions; 57P01-03 shutdown / crash / not accepting connections yet;
// 53300 too many connections; 57014 statement cancelled (DATABASE_STATEMENT_TIMEOUT_MS); 25P03 the
// transaction was ended by idle_in_transaction_session_timeout.
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014', '25P03']);

const MESSAGES = [
  // pg / pg-pool
  /timeout exceeded when trying to connect/i,
  /Connection terminated/i,
  /is not queryable/i,
  /Query read timeout/i,
  // ioredis (request-path connection: no offline queue, command timeout, no retries)
  /Stream isn't writeable/i,
  /Command timed out/i,
  /Connection is closed/i,
  /max retries per request/i,
];

/** The problem a request gets while a dependency is out: transient, retry after a second. */
export class DependencyUnavailableError extends AppError {
  constructor(message = 'A service we depend on is briefly unavailable; retry shortly.') {
    super('unavailable', 'service_unavailable', message, { retryAfterSec: 1 });
  }
}

/** True when `err` says a dependency is unreachable, hung or shutting down (see the lists above). */
export function isOutage(err: unknown): boolean {
  if (err instanceof DependencyUnavailableError) return true;
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || SQLSTATES.has(e.code) || e.code.startsWith('08'))) return true;
  if (e.name === 'MaxRetriesPerRequestError') return true;
  return typeof e.message === 'string' && MESSAGES.some((m) => m.test(e.message as string));
}
