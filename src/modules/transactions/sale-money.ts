import type { Transaction } from '../../../db/schema';
import { commissionCents } from '../../shared/money';

/**
 * A sale's money split (SPEC §1): commission and escrow fee to us, the rest to the seller — pure,
 * shared by the dispute decision, the payments core's workers, the property test and the reconciliation.
 */
export type FeeFields = Pick<Transaction, 'amountCents' | 'commissionBps' | 'escrowFeeCents'>;

/** Who gets what of the part of a sale the seller keeps. */
export interface Settlement {
  sellerCents: number;
  commissionCents: number;
  escrowFeeCents: number;
}

const NOTHING: Settlement = { sellerCents: 0, commissionCents: 0, escrowFeeCents: 0 };

/**
 * Split of `keptCents` (amount − refunds): commission and escrow fee to us, the rest to the seller.
 * Fees never exceed what is kept (the seller then gets 0, never a negative amount); SPEC §1 keeps
 * normal sales and allowed partial refunds well clear of that.
 */
export function settlementFor(keptCents: number, fees: Pick<FeeFields, 'commissionBps' | 'escrowFeeCents'>): Settlement {
  if (keptCents <= 0) return NOTHING;
  const commission = Math.min(commissionCents(keptCents, fees.commissionBps), keptCents);
  const escrowFee = Math.min(fees.escrowFeeCents, keptCents - commission);
  return { sellerCents: keptCents - commission - escrowFee, commissionCents: commission, escrowFeeCents: escrowFee };
}

/** What the release transfers: `amount − refunded − commission(amount − refunded) − escrowFee` (10000 → 9201). */
export function releasePayoutCents(tx: FeeFields & Pick<Transaction, 'refundedCents'>): number {
  return settlementFor(tx.amountCents - tx.refundedCents, tx).sellerCents;
}

/**
 * The seller's payout after a partial refund of `refundCents` (SPEC §1:
 * `(amount − x) − commission(amount − x) − escrowFee`); a resolution that makes it negative is refused (422); exactly 0 is allowed.
 */
export function partialRefundPayoutCents(tx: FeeFields & Partial<Pick<Transaction, 'refundedCents'>>, refundCents: number): number {
  const kept = tx.amountCents - (tx.refundedCents ?? 0) - refundCents;
  return kept - commissionCents(Math.max(kept, 0), tx.commissionBps) - tx.escrowFeeCents;
}
