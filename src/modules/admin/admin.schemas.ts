import { z } from '../../shared/zod';
import { UserSelf } from '../users/users.schemas';
import { DisputeSchema } from '../disputes';
import { TransactionSchema } from '../transactions';

const Side = z.enum(['buyer', 'seller', 'staff', 'system']);

export const StaffDisputesQuery = z.object({
  status: z.enum(['open', 'resolved']).optional(),
  source: z.enum(['party', 'chargeback', 'escalation']).optional(),
  sort: z.enum(['oldest', 'newest']).default('oldest'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.uuid({ message: 'must be a cursor from a previous page' }).optional(),
});

export const StaffDisputePage = z
  .object({
    items: z.array(
      DisputeSchema.extend({
        transaction: z.object({
          id: z.uuid(),
          listingId: z.uuid(),
          listingTitle: z.string(),
          buyerId: z.uuid(),
          sellerId: z.uuid(),
          amountCents: z.number().int(),
          status: z.string(),
        }),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .openapi('StaffDisputePage');

const Person = z.object({ id: z.uuid(), displayName: z.string().nullable(), suspended: z.boolean(), deleted: z.boolean() });

export const DisputeCaseSchema = z
  .object({
    dispute: DisputeSchema,
    transaction: TransactionSchema.extend({ refundedCents: z.number().int(), paidAt: z.iso.datetime().nullable() }),
    listing: z.object({ id: z.uuid(), title: z.string() }).nullable(),
    parties: z.object({ buyer: Person, seller: Person }),
    timeline: z.array(
      z.object({
        id: z.string(),
        type: z.string(),
        actor: Side,
        actorId: z.uuid().nullable(),
        data: z.record(z.string(), z.unknown()),
        createdAt: z.iso.datetime(),
      }),
    ),
    messages: z.array(
      z.object({
        id: z.uuid(),
        senderId: z.uuid().nullable(),
        sender: Side,
        type: z.enum(['text', 'image', 'system']),
        content: z.string(),
        createdAt: z.iso.datetime(),
      }),
    ),
    evidence: z.object({
      details: z.string(),
      openedBy: Side,
      images: z.array(z.object({ messageId: z.uuid(), sender: Side, url: z.string(), createdAt: z.iso.datetime() })),
    }),
  })
  .openapi('DisputeCase');

export const SuspendBody = z.strictObject({ reason: z.string().trim().min(3).max(1000) }).openapi('SuspendUser');
export const UserIdParams = z.object({ id: z.uuid() });

export const StaffUserSchema = UserSelf.extend({
  deletedAt: z.iso.datetime().nullable(),
  nonPaymentStrikes: z.number().int(),
  suspension: z.object({ since: z.iso.datetime(), reason: z.string().nullable(), by: z.uuid().nullable() }).nullable(),
  ratingAverage: z.number().nullable(),
  ratingCount: z.number().int(),
  transactions: z.object({ asBuyer: z.number().int(), asSeller: z.number().int() }),
}).openapi('StaffUser');

export const AuditLogQuery = z.object({
  actorId: z.uuid().optional(),
  action: z.string().max(100).optional(),
  targetType: z.string().max(50).optional(),
  targetId: z.string().max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'must be a cursor from a previous page')
    .optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

export const AuditEntrySchema = z
  .object({
    id: z.string(),
    actorId: z.uuid().nullable(),
    actorName: z.string().nullable(),
    action: z.string(),
    targetType: z.string(),
    targetId: z.string(),
    details: z.record(z.string(), z.unknown()),
    requestId: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi('AuditEntry');

export const AuditLogPage = z.object({ items: z.array(AuditEntrySchema), nextCursor: z.string().nullable() }).openapi('AuditLogPage');
