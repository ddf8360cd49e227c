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

export const MONEY_INTENT_STATUSES = ['pending', 'running', 'succeeded', 'failing', 'waiting_for_wallet', 'skipped'] as const;

export const MoneyJobsQuery = z.object({
  status: z.enum(MONEY_INTENT_STATUSES).optional(),
  transactionId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.uuid({ message: 'must be a cursor from a previous page' }).optional(),
});

export const MoneyJobIdParams = z.object({ id: z.uuid() });

export const MoneyJobSchema = z
  .object({
    id: z.uuid(),
    key: z.string().openapi({ description: 'Deterministic: the root of the Stripe idempotency key' }),
    kind: z.enum(['release', 'refund', 'payment_refund']),
    transactionId: z.uuid(),
    amountCents: z.number().int().nullable().openapi({ description: 'The refund amount; a payout is computed when it runs' }),
    status: z.enum(MONEY_INTENT_STATUSES),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    lastOutcome: z.string().nullable(),
    nextAttemptAt: z.iso.datetime(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    completedAt: z.iso.datetime().nullable(),
  })
  .openapi('MoneyJob');

export const MoneyJobPage = z.object({ items: z.array(MoneyJobSchema), nextCursor: z.uuid().nullable() }).openapi('MoneyJobPage');
