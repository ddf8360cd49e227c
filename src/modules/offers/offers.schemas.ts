import { z } from '../../shared/zod';
import { TransactionSchema } from '../transactions';

export const OfferIdParams = z.object({ id: z.uuid() });
export const OfferListingParams = z.object({ id: z.uuid() });

export const OfferView = z
  .object({
    id: z.uuid(),
    listingId: z.uuid(),
    sellerId: z.uuid(),
    bidderId: z.uuid().openapi({ description: 'The runner-up the item is offered to' }),
    amountCents: z.number().int().openapi({ description: "The runner-up's own maximum bid" }),
    status: z.enum(['pending', 'accepted', 'declined', 'expired']),
    expiresAt: z.iso.datetime(),
    decidedAt: z.iso.datetime().nullable(),
    transactionId: z.uuid().nullable().openapi({ description: 'The sale an accepted offer created' }),
    createdAt: z.iso.datetime(),
  })
  .openapi('SecondChanceOffer');

export const AcceptedOffer = z.object({ offer: OfferView, transaction: TransactionSchema }).openapi('AcceptedSecondChanceOffer');
