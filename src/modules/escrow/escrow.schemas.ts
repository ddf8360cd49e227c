import { z } from '../../shared/zod';

export const TransactionIdParams = z.object({ id: z.uuid() });

/** Optional: the amount the client showed the buyer; a mismatch is refused (422) instead of charging another price. */
export const PayBody = z.object({ expectedAmountCents: z.number().int().positive().optional() }).openapi('PayRequest');

export const PayResult = z
  .object({
    paymentIntentId: z.string(),
    clientSecret: z.string(),
    amountCents: z.number().int(),
    currency: z.literal('CAD'),
    status: z.string(),
  })
  .openapi('PayResult');
