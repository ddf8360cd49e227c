import { z } from '../../shared/zod';

export const ListingIdParams = z.object({ id: z.uuid() });
export const BidIdParams = z.object({ id: z.uuid() });

/** The largest maximum a bid may carry ($1,000,000). */
export const MAX_BID_CENTS = 100_000_000;

export const PlaceBidBody = z
  .strictObject({ maxAmountCents: z.number().int('must be a whole number of cents').positive().max(MAX_BID_CENTS) })
  .openapi('PlaceBid');

export const BidSchema = z
  .object({
    id: z.uuid(),
    listingId: z.uuid(),
    alias: z.string(),
    amountCents: z.number().int(),
    maxAmountCents: z.number().int().optional().describe('Only on your own bids'),
    isAutoBid: z.boolean(),
    status: z.enum(['active', 'retracted']),
    createdAt: z.iso.datetime(),
  })
  .openapi('Bid');

export const BidAcceptedSchema = z
  .object({
    bid: BidSchema,
    outcome: z.enum(['leading', 'outbid']),
    currentPriceCents: z.number().int(),
    isLeader: z.boolean(),
    endsAt: z.iso.datetime(),
    minNextBidCents: z.number().int(),
  })
  .openapi('BidAccepted');

export const BidPendingSchema = z.object({ requestId: z.string() }).openapi('BidPending');

/**
 * A page cursor: a seq from a previous page. Bounded in length too (not in the documented pattern), so
 * a number past the column's range is refused as bad input rather than failing in the database.
 */
const cursor = (maxDigits: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a cursor from a previous page')
    .refine((s) => s.length <= maxDigits, 'must be a cursor from a previous page')
    .optional();

/** Bid history: the cursor is a bid's seq (integer). */
export const HistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: cursor(9),
});

/** Your bids: the cursor is a bid command's decision seq (bigint). */
export const MyBidsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: cursor(18),
});

export const BidPage = z.object({ items: z.array(BidSchema), nextCursor: z.string().nullable() }).openapi('BidPage');

export const MyBidSchema = z
  .object({
    listingId: z.uuid(),
    title: z.string(),
    image: z.object({ id: z.uuid(), url: z.string() }).nullable().describe('The listing\'s first image'),
    endsAt: z.iso.datetime().nullable(),
    currentPriceCents: z.number().int(),
    maxAmountCents: z.number().int().describe('Your maximum on this listing'),
    state: z.enum(['leading', 'outbid', 'won', 'lost']),
  })
  .openapi('MyBid');

export const MyBidPage = z.object({ items: z.array(MyBidSchema), nextCursor: z.string().nullable() }).openapi('MyBidPage');

export const RetractionResult = z
  .object({ listingId: z.uuid(), currentPriceCents: z.number().int(), bidCount: z.number().int(), minNextBidCents: z.number().int(), leaderAlias: z.string().nullable() })
  .openapi('RetractionResult');

export const EventsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

export const ListingEventSchema = z
  .object({ seq: z.number().int(), type: z.string(), payload: z.record(z.string(), z.unknown()), createdAt: z.iso.datetime() })
  .openapi('ListingEvent');
export const ListingEventPage = z.object({ items: z.array(ListingEventSchema), nextAfter: z.number().int().nullable() }).openapi('ListingEventPage');
