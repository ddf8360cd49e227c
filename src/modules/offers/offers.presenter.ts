import type { SecondChanceOffer } from '../../../db/schema';

/** An offer as its seller and its runner-up see it. */
export function presentOffer(offer: SecondChanceOffer) {
  return {
    id: offer.id,
    listingId: offer.listingId,
    sellerId: offer.sellerId,
    bidderId: offer.bidderId,
    amountCents: offer.amountCents,
    status: offer.status,
    expiresAt: offer.expiresAt.toISOString(),
    decidedAt: offer.decidedAt?.toISOString() ?? null,
    transactionId: offer.transactionId,
    createdAt: offer.createdAt.toISOString(),
  };
}
