import { z } from '../../shared/zod';

export const TransactionSchema = z
  .object({
    id: z.uuid(),
    listingId: z.uuid(),
    buyerId: z.uuid(),
    sellerId: z.uuid(),
    amountCents: z.number().int(),
    commissionCents: z.number().int(),
    escrowFeeCents: z.number().int(),
    sellerPayoutCents: z.number().int(),
    status: z.enum(['pending_payment', 'in_escrow', 'released', 'cancelled', 'disputed', 'refunded', 'partially_refunded']),
    source: z.enum(['auction', 'buy_now', 'second_chance']),
    paymentDueAt: z.iso.datetime(),
    verifiedAt: z.iso.datetime().nullable(),
    releasedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi('Transaction');
