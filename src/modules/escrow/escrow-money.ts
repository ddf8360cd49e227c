import type { Transaction } from '../../../db/schema';
import { commissionCents } from '../../shared/money';
import { LedgerAccount, type Movement } from '../ledger/ledger';

/**
 * The money rules of escrow (SPEC §1) and the ledger movement each Stripe operation posts — pure,
 * shared by the workers, the property test and the reconciliation.
 */
export type FeeFields = Pick<Transaction, 'amountCents' | 'commissionBps' | 'escrowFeeCents'>;
export type MoneyFields = FeeFields & Pick<Transaction, 'id' | 'refundedCents'>;

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
 * `(amount − x) − commission(amount − x) − escrowFee`); a resolution that makes it ≤ 0 is refused (422).
 */
export function partialRefundPayoutCents(tx: FeeFields & Partial<Pick<Transaction, 'refundedCents'>>, refundCents: number): number {
  const kept = tx.amountCents - (tx.refundedCents ?? 0) - refundCents;
  return kept - commissionCents(Math.max(kept, 0), tx.commissionBps) - tx.escrowFeeCents;
}

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
