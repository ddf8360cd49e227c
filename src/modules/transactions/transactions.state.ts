import type { TransactionStatus } from '../../../db/schema';
import { conflict } from '../../shared/errors';

/** SPEC §3 transitions; anything else is refused. Checked at boot by the test of this table. */
export const TRANSITIONS: Readonly<Record<TransactionStatus, readonly TransactionStatus[]>> = {
  pending_payment: ['in_escrow', 'cancelled'],
  in_escrow: ['released', 'disputed'],
  disputed: ['released', 'refunded', 'partially_refunded'],
  released: ['disputed'], // only through a chargeback
  cancelled: [],
  refunded: [],
  partially_refunded: [],
};

export const canTransition = (from: TransactionStatus, to: TransactionStatus): boolean => TRANSITIONS[from].includes(to);

/** Throws a 409 unless `from → to` is allowed. */
export function assertTransition(from: TransactionStatus, to: TransactionStatus): void {
  if (!canTransition(from, to)) throw conflict('invalid_transaction_state', `A ${from} transaction cannot become ${to}.`, { transactionStatus: from });
}
