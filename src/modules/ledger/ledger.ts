/**
 * Double-entry ledger. Sign convention: assets positive (`stripe_balance`, `chargeback:<txId>`),
 * liabilities and income negative (`escrow:<txId>` holds what we owe on a transaction; `revenue:*`). Every movement's lines
 * sum to zero; every entry records the account balance before and after it.
 */
export const LedgerAccount = {
  stripeBalance: 'stripe_balance',
  escrow: (transactionId: string) => `escrow:${transactionId}`,
  commission: 'revenue:commission',
  escrowFee: 'revenue:escrow_fee',
  /** Funds a card network withdrew for a chargeback on the transaction, until decided (asset, positive). */
  chargeback: (transactionId: string) => `chargeback:${transactionId}`,
} as const;

export interface LedgerLine {
  account: string;
  amountCents: number;
}

export interface Movement {
  type: string;
  transactionId: string | null;
  /** The Stripe object that moved the money (charge, transfer, refund, reversal). */
  stripeObjectId: string | null;
  lines: LedgerLine[];
}
