import type { Transaction } from '../../../db/schema';
import { LedgerAccount, type Movement } from '../ledger';
import { settlementFor, type FeeFields } from '../transactions';

/**
 * The ledger movement each Stripe operation posts — pure, shared by the workers, the property test
 * and the reconciliation. The split itself (SPEC §1) is the transactions module's `sale-money.ts`.
 */
export type MoneyFields = FeeFields & Pick<Transaction, 'id' | 'refundedCents'>;

/** The buyer's payment captured: the platform balance grows, and so does what we owe on the transaction. */
export function chargeMovement(transactionId: string, amountCents: number, chargeId: string): Movement {
  return {
    type: 'charge',
    transactionId,
    stripeObjectId: chargeId,
    lines: [
      { account: LedgerAccount.stripeBalance, amountCents },
      { account: LedgerAccount.escrow(transactionId), amountCents: -amountCents },
    ],
  };
}

/** The payout: escrow back to zero; the seller's transfer leaves the balance; commission and fee become revenue. */
export function releaseMovement(tx: MoneyFields, transferId: string): Movement {
  const kept = tx.amountCents - tx.refundedCents;
  const s = settlementFor(kept, tx);
  return {
    type: 'release',
    transactionId: tx.id,
    stripeObjectId: transferId,
    lines: [
      { account: LedgerAccount.escrow(tx.id), amountCents: kept },
      { account: LedgerAccount.stripeBalance, amountCents: -s.sellerCents },
      { account: LedgerAccount.commission, amountCents: -s.commissionCents },
      { account: LedgerAccount.escrowFee, amountCents: -s.escrowFeeCents },
    ],
  };
}

/** A refund to the buyer out of escrow (`refund`, or `late_payment_refund` for a payment after cancellation). */
export function refundMovement(
  transactionId: string,
  amountCents: number,
  refundId: string,
  type: 'refund' | 'late_payment_refund' = 'refund',
): Movement {
  return {
    type,
    transactionId,
    stripeObjectId: refundId,
    lines: [
      { account: LedgerAccount.stripeBalance, amountCents: -amountCents },
      { account: LedgerAccount.escrow(transactionId), amountCents },
    ],
  };
}

/** How much of a released payout must come back so the seller keeps only the settlement of the rest. */
export function reversalCents(tx: MoneyFields, refundCents: number): number {
  const before = settlementFor(tx.amountCents - tx.refundedCents, tx);
  const after = settlementFor(tx.amountCents - tx.refundedCents - refundCents, tx);
  return before.sellerCents - after.sellerCents;
}

/**
 * Undoing part of a release before refunding `refundCents` (chargeback after payout): the seller's
 * share comes back from the connected account, our fees on the refunded part are given up, and the
 * escrow account owes the buyer `refundCents` again (the refund or chargeback settlement then clears it).
 */
export function reversalMovement(tx: MoneyFields, refundCents: number, reversalId: string | null): Movement {
  const before = settlementFor(tx.amountCents - tx.refundedCents, tx);
  const after = settlementFor(tx.amountCents - tx.refundedCents - refundCents, tx);
  return {
    type: 'reversal',
    transactionId: tx.id,
    stripeObjectId: reversalId,
    lines: [
      { account: LedgerAccount.stripeBalance, amountCents: before.sellerCents - after.sellerCents },
      { account: LedgerAccount.commission, amountCents: before.commissionCents - after.commissionCents },
      { account: LedgerAccount.escrowFee, amountCents: before.escrowFeeCents - after.escrowFeeCents },
      { account: LedgerAccount.escrow(tx.id), amountCents: -refundCents },
    ],
  };
}

/** Stripe withdrew a disputed amount from the balance: held by the card network until the chargeback is decided. */
export function chargebackMovement(transactionId: string, amountCents: number, stripeDisputeId: string): Movement {
  return {
    type: 'chargeback',
    transactionId,
    stripeObjectId: stripeDisputeId,
    lines: [
      { account: LedgerAccount.stripeBalance, amountCents: -amountCents },
      { account: LedgerAccount.chargeback(transactionId), amountCents },
    ],
  };
}

/** A won chargeback: the withdrawn funds come back to the balance. */
export function chargebackWonMovement(transactionId: string, amountCents: number, stripeDisputeId: string): Movement {
  return {
    type: 'chargeback_won',
    transactionId,
    stripeObjectId: stripeDisputeId,
    lines: [
      { account: LedgerAccount.stripeBalance, amountCents },
      { account: LedgerAccount.chargeback(transactionId), amountCents: -amountCents },
    ],
  };
}

/** A lost chargeback is the buyer's refund: the withdrawn funds settle what escrow owes them. */
export function chargebackSettlementMovement(transactionId: string, amountCents: number, stripeDisputeId: string): Movement {
  return {
    type: 'chargeback_settlement',
    transactionId,
    stripeObjectId: stripeDisputeId,
    lines: [
      { account: LedgerAccount.escrow(transactionId), amountCents },
      { account: LedgerAccount.chargeback(transactionId), amountCents: -amountCents },
    ],
  };
}
