/**
 * Stripe's error envelope `{error: {type, code, message, param, …}}` and the HTTP statuses the
 * SDK maps to its classes (400/404 → StripeInvalidRequestError or StripeIdempotencyError by
 * `type`, 401 → StripeAuthenticationError, 402 → StripeCardError, 5xx/409 → StripeAPIError).
 */

export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  doc_url?: string;
  charge?: string;
  payment_intent?: unknown;
  payment_method?: unknown;
  request_log_url?: string;
}

/**
 * A failed API call. `persist` marks failures that happen after the endpoint changed state
 * (a declined charge): Stripe stores those under the idempotency key, whereas plain parameter
 * validation failures are not stored and may be retried with the same key.
 */
export class StripeFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    readonly persist = false,
  ) {
    super(body.message);
    this.name = 'StripeFailure';
  }
}

function docUrl(code: string | undefined): string | undefined {
  return code ? `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}` : undefined;
}

/** A 400 `invalid_request_error` (or another status when given). */
export function invalidRequest(
  message: string,
  opts: { code?: string; param?: string; status?: number; extra?: Partial<StripeErrorBody> } = {},
): StripeFailure {
  const body: StripeErrorBody = {
    type: 'invalid_request_error',
    message,
    ...(opts.code ? { code: opts.code, doc_url: docUrl(opts.code) } : {}),
    ...(opts.param ? { param: opts.param } : {}),
    ...opts.extra,
  };
  return new StripeFailure(opts.status ?? 400, body);
}

/** The URL's own object is missing → 404; a parameter naming a missing object → 400. */
export function noSuch(kind: string, id: string, param: string, status: 404 | 400 = 404): StripeFailure {
  return invalidRequest(`No such ${kind}: '${id}'`, { code: 'resource_missing', param, status });
}

export function parameterMissing(param: string): StripeFailure {
  return invalidRequest(`Missing required param: ${param}.`, { code: 'parameter_missing', param });
}

export function parameterInvalid(param: string, message: string, code = 'parameter_invalid_string'): StripeFailure {
  return invalidRequest(message, { code, param });
}

export function idempotencyFailure(message: string, status = 400, code?: string): StripeFailure {
  return new StripeFailure(status, { type: 'idempotency_error', message, ...(code ? { code } : {}) });
}

export function apiError(): StripeFailure {
  return new StripeFailure(500, {
    type: 'api_error',
    message: 'An unknown error occurred (injected by the Stripe stand-in).',
  });
}

/** A card decline: 402, stored under the idempotency key because the charge attempt happened. */
export function cardError(body: Omit<StripeErrorBody, 'type'>): StripeFailure {
  return new StripeFailure(402, { type: 'card_error', ...body, doc_url: docUrl(body.code) }, true);
}

export function errorEnvelope(failure: StripeFailure): { error: StripeErrorBody } {
  return { error: failure.body };
}
