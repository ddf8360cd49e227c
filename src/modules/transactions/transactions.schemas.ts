import { z } from '../../shared/zod';

export const TransactionSchema = z
  .object({
    id: z.uuid(),
    listingId: z.uuid(),
    buyerId: z.uuid(),
    sellerId: z.uuid(),
    amountCents: z.number().int(),
    refundedCents: z.number().int().openapi({ description: 'Refunded to the buyer (disputes)' }),
    commissionCents: z.number().int().openapi({ description: '6% of amountCents − refundedCents, half-up' }),
    escrowFeeCents: z.number().int().openapi({ description: 'The escrow fee, at most what the seller keeps (0 after a full refund)' }),
    sellerPayoutCents: z.number().int().openapi({ description: 'amountCents − refundedCents − commissionCents − escrowFeeCents' }),
    status: z.enum(['pending_payment', 'in_escrow', 'released', 'cancelled', 'disputed', 'refunded', 'partially_refunded']),
    source: z.enum(['auction', 'buy_now', 'second_chance']),
    paymentDueAt: z.iso.datetime(),
    verifiedAt: z.iso.datetime().nullable(),
    releasedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi('Transaction');
