import { z } from '../../shared/zod';
import { UserSelf } from '../users';
import { DisputeSchema } from '../disputes';
import { TransactionSchema } from '../transactions';

const TransactionStatus = z.enum(['pending_payment', 'in_escrow', 'released', 'cancelled', 'disputed', 'refunded', 'partially_refunded']);

/** The transaction on a case: the parties' view (refunds included) plus the rate, payment time and handover. */
const CaseTransaction = TransactionSchema.extend({
  commissionBps: z.number().int(),
  paidAt: z.iso.datetime().nullable(),
  handover: z
    .object({
      lat: z.number(),
      lng: z.number(),
      distanceM: z
        .number()
        .int()
        .nullable()
        .openapi({ description: "Metres from the accepted meetup's zone; null without an accepted meetup" }),
      flagged: z.boolean().openapi({ description: 'More than 500 m from the zone (SPEC §9): flagged, never refused' }),
    })
    .nullable()
    .openapi({ description: 'Where the scanning phone was at the QR handover; null when it sent no position' }),
});

const Side = z.enum(['buyer', 'seller', 'staff', 'system']);

export const StaffDisputesQuery = z.object({
  status: z.enum(['open', 'resolved']).optional(),
  source: z.enum(['party', 'chargeback', 'escalation']).optional(),
  flagged: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ description: "true: only cases whose handover was flagged far from the meetup's zone; false: only the others" }),
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
          handoverFlagged: z.boolean(),
        }),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .openapi('StaffDisputePage');

const Person = z.object({
  id: z.uuid(),
  displayName: z.string().nullable(),
  suspended: z.boolean(),
  deleted: z.boolean(),
  memberSince: z.iso.datetime().nullable(),
  nonPaymentStrikes: z.number().int(),
  ratingAverage: z.number().nullable(),
  ratingCount: z.number().int(),
  disputes: z.number().int(),
  transactions: z.object({ asBuyer: z.number().int(), asSeller: z.number().int() }),
});

export const DisputeCaseSchema = z
  .object({
    dispute: DisputeSchema,
    transaction: CaseTransaction,
    listing: z.object({ id: z.uuid(), title: z.string() }).nullable(),
    parties: z.object({ buyer: Person, seller: Person }),
    timeline: z.array(
      z.object({
        id: z.string(),
        type: z.string(),
        actor: Side,
        actorId: z.uuid().nullable(),
        data: z.record(z.string(), z.unknown()),
        flagged: z.boolean().openapi({ description: 'A handover flagged far from the meetup zone: the console highlights it' }),
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
  recentListings: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      status: z.string(),
      currentPriceCents: z.number().int(),
      bidCount: z.number().int(),
      endsAt: z.iso.datetime().nullable(),
      createdAt: z.iso.datetime(),
      deleted: z.boolean(),
    }),
  ),
  recentTransactions: z.array(
    z.object({
      id: z.uuid(),
      listingId: z.uuid(),
      listingTitle: z.string(),
      role: z.enum(['buyer', 'seller']),
      amountCents: z.number().int(),
      status: TransactionStatus,
      createdAt: z.iso.datetime(),
    }),
  ),
}).openapi('StaffUser');

export const StaffUsersQuery = z.object({
  q: z.string().trim().max(100).default(''),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
});

export const StaffUserPage = z
  .object({
    items: z.array(UserSelf.extend({ suspended: z.boolean(), deleted: z.boolean() })),
    nextCursor: z.string().nullable(),
  })
  .openapi('StaffUserPage');

export const ReasonBody = z.strictObject({ reason: z.string().trim().min(3).max(1000) }).openapi('StaffReason');
export const OptionalReasonBody = z.strictObject({ reason: z.string().trim().min(3).max(1000).optional() }).openapi('StaffOptionalReason');

export const ListingIdParams = z.object({ id: z.uuid() });
export const TakedownResult = z
  .object({
    listingId: z.uuid(),
    title: z.string(),
    status: z.literal('cancelled'),
    previousStatus: z.string(),
    notified: z.object({ bidders: z.number().int(), watchers: z.number().int() }),
  })
  .openapi('TakedownResult');

const Slug = z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be 2–40 lowercase letters, digits or dashes');
export const CategorySlugParams = z.object({ slug: Slug });
export const StaffCategory = z
  .object({
    slug: z.string(),
    name: z.string(),
    parentSlug: z.string().nullable(),
    sortOrder: z.number().int(),
    active: z.boolean(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('StaffCategory');
export const StaffCategoryList = z.object({ items: z.array(StaffCategory), nextCursor: z.null() }).openapi('StaffCategoryList');
export const CreateCategoryBody = z
  .strictObject({
    slug: Slug,
    name: z.string().trim().min(2).max(60),
    parentSlug: Slug.nullable().optional(),
    sortOrder: z.number().int().min(0).max(10000).optional(),
    active: z.boolean().optional(),
  })
  .openapi('CreateCategory');
export const UpdateCategoryBody = CreateCategoryBody.omit({ slug: true }).partial().openapi('UpdateCategory');

export const StaffMessageBody = z.strictObject({ content: z.string().trim().min(1).max(2000) }).openapi('StaffMessage');
export const StaffMessageSchema = z
  .object({
    id: z.uuid(),
    transactionId: z.uuid(),
    senderId: z.uuid().nullable(),
    type: z.enum(['text', 'image', 'system']),
    content: z.string(),
    createdAt: z.iso.datetime(),
    readAt: z.iso.datetime().nullable(),
  })
  .openapi('StaffChatMessage');

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
