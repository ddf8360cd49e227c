import { sql, type Kysely } from 'kysely';
import type { Database, ListingStatus } from '../../../db/schema';

type Reader = Kysely<Database>;

export interface MyBidListingRow {
  listingId: string;
  title: string;
  status: ListingStatus;
  endsAt: Date | null;
  currentPriceCents: number;
  leaderId: string | null;
  winnerId: string | null;
  imageId: string | null;
  imageUrl: string | null;
  maxAmountCents: number;
  lastDecisionSeq: string;
}

/**
 * A page of the listings a bidder has bid on, one row per listing, ordered by the bidder's latest own
 * bid command (bid_requests.decision_seq: unique, unlike created_at). Reads `listings` and
 * `listing_images` for presentation only.
 */
export async function bidderListingsPage(db: Reader, userId: string, limit: number, beforeDecisionSeq?: string): Promise<MyBidListingRow[]> {
  const lastSeq = sql<string>`max(br.decision_seq)`;
  let query = db
    .selectFrom('bids as b')
    .innerJoin('bidRequests as br', 'br.requestId', 'b.requestId')
    .innerJoin('listings as l', 'l.id', 'b.listingId')
    .select(['l.id as listingId', 'l.title', 'l.status', 'l.endsAt', 'l.currentPriceCents', 'l.leaderId', 'l.winnerId'])
    // The maximum still in play; after a retraction of everything, the highest the bidder ever offered.
    .select(sql<number>`coalesce(max(b.max_amount_cents) FILTER (WHERE b.status = 'active'), max(b.max_amount_cents))`.as('maxAmountCents'))
    .select(lastSeq.as('lastDecisionSeq'))
    .select((eb) =>
      eb
        .selectFrom('listingImages as i')
        .select('i.id')
        .whereRef('i.listingId', '=', 'l.id')
        .orderBy('i.position')
        .orderBy('i.createdAt')
        .limit(1)
        .as('imageId'),
    )
    .select((eb) =>
      eb
        .selectFrom('listingImages as i')
        .select('i.url')
        .whereRef('i.listingId', '=', 'l.id')
        .orderBy('i.position')
        .orderBy('i.createdAt')
        .limit(1)
        .as('imageUrl'),
    )
    .where('b.bidderId', '=', userId)
    .where('b.isAutoBid', '=', false)
    .where('l.deletedAt', 'is', null)
    .groupBy('l.id')
    .orderBy(lastSeq, 'desc')
    .limit(limit);
  if (beforeDecisionSeq !== undefined) query = query.having(lastSeq, '<', beforeDecisionSeq);
  const rows = await query.execute();
  return rows.map((r) => ({ ...r, lastDecisionSeq: String(r.lastDecisionSeq), maxAmountCents: Number(r.maxAmountCents) }));
}
