import { AppError } from '../../shared/errors';
import { isPaymentsError } from './payments';

/** A provider outage is a 503 the client may retry (the Idempotency-Key is released for it). */
export function paymentsUnavailable(err: unknown): never {
  if (isPaymentsError(err))
    throw new AppError('unavailable', 'payments_unavailable', 'The payment provider could not be reached; try again.', {
      provider: err.code,
    });
  throw err;
}
