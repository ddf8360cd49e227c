import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { LISTING_COLUMNS, type ListingRow } from './listings.repository';

type Db = Kysely<Database>;

/** A watched listing with the watch's position in the watchlist order (its created_at as exact PostgreSQL text). */
export type WatchedListing = ListingRow & { watchedAt: string };

/** Reads the watchlist: listings the user watches, most recently watched first (soft-deleted listings are absent). */
export const watchlistRepository = {
  async page(db: Db, userId: string, limit: number, after?: { key: string; id: string }): Promise<WatchedListing[]> {
    let query = db
      .selectFrom('watches as w')
      .innerJoin('listings as l', 'l.id', 'w.listingId')
      .select(LISTING_COLUMNS.map((c) => `l.${c}` as const))
      .select(sql<string>`w.created_at::text`.as('watchedAt'))
      .where('w.userId', '=', userId)
      .where('l.deletedAt', 'is', null);
    // The key is the watch's created_at as PostgreSQL text, so the comparison is exact to the microsecond.
    if (after) query = query.where(sql<boolean>`(w.created_at, w.listing_id) < (${after.key}::timestamptz, ${after.id}::uuid)`);
    return query.orderBy('w.createdAt', 'desc').orderBy('w.listingId', 'desc').limit(limit).execute();
  },
};
