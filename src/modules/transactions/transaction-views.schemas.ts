import { z } from '../../shared/zod';
import { TransactionSchema } from './transactions.schemas';

const STATUSES = ['pending_payment', 'in_escrow', 'released', 'cancelled', 'disputed', 'refunded', 'partially_refunded'] as const;

export const TransactionIdParams = z.object({ id: z.uuid() });

export const TransactionListItemSchema = TransactionSchema.extend({
  myRole: z.enum(['buyer', 'seller']),
  listingTitle: z.string(),
}).openapi('TransactionListItem');

export const TransactionPage = z
  .object({ items: z.array(TransactionListItemSchema), nextCursor: z.string().nullable() })
  .openapi('TransactionPage');

export const MyTransactionsQuery = z.object({
  role: z.enum(['buyer', 'seller']).optional(),
  status: z.enum(STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.uuid({ message: 'must be a cursor from a previous page' }).optional(),
});

export const TimelineEventSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    /** Who caused it, from the viewer's side: the parties, support staff, or the system (webhooks, jobs). */
    actor: z.enum(['buyer', 'seller', 'staff', 'system']),
    data: z.record(z.string(), z.unknown()),
    createdAt: z.iso.datetime(),
  })
  .openapi('TransactionEvent');

export const TimelinePage = z
  .object({ items: z.array(TimelineEventSchema), nextCursor: z.string().nullable() })
  .openapi('TransactionEventPage');

export const TimelineQuery = z.object({
  after: z
    .string()
    .regex(/^\d{1,18}$/, 'must be an event id')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
