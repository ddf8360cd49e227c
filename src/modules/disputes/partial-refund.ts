import type { Transaction } from '../../../db/schema';
import { unprocessable } from '../../shared/errors';
import { partialRefundPayoutCents } from '../transactions';

type Fees = Pick<Transaction, 'amountCents' | 'commissionBps' | 'escrowFeeCents' | 'refundedCents'>;

/**
 * SPEC §1: after a partial refund of `x` the seller receives `(amount − x) − commission(amount − x) −
 * escrowFee`, with the fee parameters stored on the transaction. The rule itself is the payments
 * core's (`partialRefundPayoutCents`, the same function its refund worker pays by), so the decision
 * and the payout can never disagree.
 */
export const sellerPayoutAfterPartialRefund = (tx: Fees, refundCents: number): number => partialRefundPayoutCents(tx, refundCents);

/** Throws 422 (naming `amountCents`) unless `0 < x < amount` and the seller's payout is not negative (SPEC §1: exactly 0 is allowed). */
export function assertPartialRefund(tx: Fees, refundCents: number | undefined): number {
  const refuse = (message: string) =>
    unprocessable('invalid_partial_refund', `A partial refund ${message}.`, { errors: [{ field: 'amountCents', message }] });
  if (refundCents === undefined) throw refuse('needs amountCents');
  if (!Number.isSafeInteger(refundCents) || refundCents <= 0 || refundCents >= tx.amountCents) {
    throw refuse(`must be more than 0 and less than the sale amount (${tx.amountCents} cents)`);
  }
  const payout = sellerPayoutAfterPartialRefund(tx, refundCents);
  if (payout < 0) throw refuse(`of ${refundCents} cents would leave the seller ${payout} cents after fees; refund fully instead`);
  return payout;
}
