import type { Transaction } from '../../../db/schema';
import { conflict } from '../../shared/errors';

/**
 * Throws 409 unless the transaction is funded and waiting for the meetup: `in_escrow`, no dispute
 * open, not yet verified (SPEC §3: "transaction not in_escrow or disputed → 409"). A transaction stays
 * `disputed` after the dispute is decided until the money job settles it (days, if the payout waits for
 * the seller's wallet): that case gets its own code, so the apps do not say "on hold" for a decided case.
 */
export function assertAwaitingHandover(tx: Pick<Transaction, 'status'>, disputeOpen: boolean): void {
  if (disputeOpen) throw conflict('dispute_open', 'A dispute is open on this transaction: the handover is on hold.');
  if (tx.status === 'disputed') throw conflict('dispute_decided', 'The dispute was decided; the money is being settled.');
  if (tx.status !== 'in_escrow') {
    throw conflict('transaction_not_in_escrow', `The transaction is ${tx.status}; a pickup needs a funded (in_escrow) transaction.`, {
      transactionStatus: tx.status,
    });
  }
}

/** Throws 409 once the handover has been confirmed (the release is on its way). */
export function assertNotVerified(tx: Pick<Transaction, 'verifiedAt'>): void {
  if (tx.verifiedAt) throw conflict('already_verified', 'The pickup of this transaction was already confirmed.');
}
