import type { Transaction } from '../../../db/schema';
import { conflict } from '../../shared/errors';

/**
 * Throws 409 unless the transaction is funded and waiting for the meetup: `in_escrow`, no dispute
 * open, not yet verified (SPEC §3: "transaction not in_escrow or disputed → 409").
 */
export function assertAwaitingHandover(tx: Pick<Transaction, 'status'>, disputeOpen: boolean): void {
  if (disputeOpen || tx.status === 'disputed')
    throw conflict('dispute_open', 'A dispute is open on this transaction: the handover is on hold.');
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
