import type { Transaction } from '../../../db/schema';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A transaction as its parties (and staff) see it. */
export function presentTransaction(tx: Transaction) {
  return {
    id: tx.id,
    listingId: tx.listingId,
    buyerId: tx.buyerId,
    sellerId: tx.sellerId,
    amountCents: tx.amountCents,
    commissionCents: tx.commissionCents,
    escrowFeeCents: tx.escrowFeeCents,
    sellerPayoutCents: tx.sellerPayoutCents,
    status: tx.status,
    source: tx.source,
    paymentDueAt: tx.paymentDueAt.toISOString(),
    verifiedAt: iso(tx.verifiedAt),
    releasedAt: iso(tx.releasedAt),
    createdAt: tx.createdAt.toISOString(),
  };
}
