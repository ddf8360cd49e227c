import type { Transaction } from '../../../db/schema';
import { settlementFor } from './sale-money';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * A transaction as its parties (and staff) see it. The split is of what the seller keeps after refunds
 * (not the one stored at creation), so it matches the transfer, the ledger and the sales dashboard.
 */
export function presentTransaction(tx: Transaction) {
  const split = settlementFor(tx.amountCents - tx.refundedCents, tx);
  return {
    id: tx.id,
    listingId: tx.listingId,
    buyerId: tx.buyerId,
    sellerId: tx.sellerId,
    amountCents: tx.amountCents,
    refundedCents: tx.refundedCents,
    commissionCents: split.commissionCents,
    escrowFeeCents: split.escrowFeeCents,
    sellerPayoutCents: split.sellerCents,
    status: tx.status,
    source: tx.source,
    paymentDueAt: tx.paymentDueAt.toISOString(),
    verifiedAt: iso(tx.verifiedAt),
    releasedAt: iso(tx.releasedAt),
    createdAt: tx.createdAt.toISOString(),
  };
}
