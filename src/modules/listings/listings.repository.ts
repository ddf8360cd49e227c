import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import { anyOf } from '../../../db/any-of';
import type { Trx } from '../../../db/connection';
import type { Database, Listing, ListingImagesTable, ListingsTable } from '../../../db/schema';

type Db = Kysely<Database>;

/** A listing row without the generated full-text column (never read back) and the relist link (read by the relist alone). */
export type ListingRow = Omit<Listing, 'search' | 'relistedFrom'>;
export type ListingImage = Selectable<ListingImagesTable>;
export type NewListing = Insertable<ListingsTable>;
export type ListingPatch = Updateable<ListingsTable>;

export interface SellerStanding {
  id: string;
  createdAt: Date;
  phoneVerifiedAt: Date | null;
  suspendedAt: Date | null;
}

/** Every column but `search`. */
export const LISTING_COLUMNS = [
  'id', 'sellerId', 'title', 'description', 'categorySlug', 'condition', 'auctionType', 'startingPriceCents',
  'reservePriceCents', 'buyNowPriceCents', 'status', 'startsAt', 'endsAt', 'locationLat', 'locationLng', 'locationName',
  'currentPriceCents', 'bidCount', 'leaderId', 'leaderMaxCents', 'leaderSeq', 'runnerUpId', 'runnerUpMaxCents',
  'runnerUpSeq', 'nextBidSeq', 'reserveMet', 'eventSeq', 'watchCount', 'winnerId', 'endedAt', 'cancelledAt',
  'deletedAt', 'createdAt', 'updatedAt',
] as const satisfies ReadonlyArray<keyof ListingRow>;

/** The live (not deleted) relist of a listing, if the seller made one (a transaction's `trx` too). */
export async function liveRelistOf(db: Db, listingId: string): Promise<{ id: string } | undefined> {
  return db.selectFrom('listings').select('id').where('relistedFrom', '=', listingId).where('deletedAt', 'is', null).executeTakeFirst();
}

/** The only Kysely code for listings, their images and watches. Soft-deleted listings are absent. */
export const listingsRepository = {
  async findById(db: Db, id: string): Promise<ListingRow | undefined> {
    return db.selectFrom('listings').select(LISTING_COLUMNS).where('id', '=', id).where('deletedAt', 'is', null).executeTakeFirst();
  },

  /** Takes the listing's row lock for the rest of the transaction (SPEC §2: commands decide under it). */
  async lockById(trx: Trx, id: string): Promise<ListingRow | undefined> {
    return trx.selectFrom('listings').select(LISTING_COLUMNS).where('id', '=', id).where('deletedAt', 'is', null).forUpdate().executeTakeFirst();
  },

  liveRelistOf,

  /**
   * A second-chance offer of the listing the runner-up may still accept (read-only: the offers module
   * writes them). One past its window no longer counts, even before its expiry job marks it: accepting
   * it is refused (`offer_expired`), and a late or failed job must not hold the relist back.
   */
  async pendingSecondChanceOf(db: Db, listingId: string): Promise<{ id: string } | undefined> {
    return db
      .selectFrom('secondChanceOffers')
      .select('id')
      .where('listingId', '=', listingId)
      .where('status', '=', 'pending')
      .where('expiresAt', '>', sql<Date>`now()`)
      .executeTakeFirst();
  },

  async insert(db: Db, values: NewListing): Promise<ListingRow> {
    return db.insertInto('listings').values(values).returning(LISTING_COLUMNS).executeTakeFirstOrThrow();
  },

  /** Inserts many drafts in one statement (a CSV import: all or nothing), in the given order. */
  async insertMany(db: Db, values: NewListing[]): Promise<Array<Pick<ListingRow, 'id' | 'title'>>> {
    return db.insertInto('listings').values(values).returning(['id', 'title']).execute();
  },

  async update(db: Db, id: string, patch: ListingPatch): Promise<ListingRow> {
    return db.updateTable('listings').set(patch).where('id', '=', id).returning(LISTING_COLUMNS).executeTakeFirstOrThrow();
  },

  /** What listing rules need to know about a seller (read here rather than through another module's repository). */
  async findSeller(db: Db, userId: string): Promise<SellerStanding | undefined> {
    return db
      .selectFrom('users')
      .select(['id', 'createdAt', 'phoneVerifiedAt', 'suspendedAt'])
      .where('id', '=', userId)
      .where('deletedAt', 'is', null)
      .executeTakeFirst();
  },

  async imagesOf(db: Db, listingIds: string[]): Promise<ListingImage[]> {
    if (listingIds.length === 0) return [];
    return db.selectFrom('listingImages').selectAll().where('listingId', '=', anyOf(listingIds, 'uuid')).orderBy('listingId').orderBy('position').orderBy('createdAt').execute();
  },

  async countImages(db: Db, listingId: string): Promise<number> {
    const { count } = await db.selectFrom('listingImages').select((eb) => eb.fn.countAll<string>().as('count')).where('listingId', '=', listingId).executeTakeFirstOrThrow();
    return Number(count);
  },

  async insertImage(trx: Trx, image: { id: string; listingId: string; storageKey: string; url: string; contentType: string; sizeBytes: number }): Promise<ListingImage> {
    return trx
      .insertInto('listingImages')
      .values({
        ...image,
        position: sql<number>`(SELECT coalesce(max(position) + 1, 0) FROM listing_images WHERE listing_id = ${image.listingId})`,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  async deleteImage(trx: Trx, listingId: string, imageId: string): Promise<ListingImage | undefined> {
    return trx.deleteFrom('listingImages').where('id', '=', imageId).where('listingId', '=', listingId).returningAll().executeTakeFirst();
  },

  /** Public aliases of the current leaders, keyed by listing id. */
  async leaderAliases(db: Db, listings: Array<Pick<ListingRow, 'id' | 'leaderId'>>): Promise<Map<string, string>> {
    const pairs = listings.filter((l) => l.leaderId !== null);
    if (pairs.length === 0) return new Map();
    const rows = await db
      .selectFrom('listingBidders')
      .select(['listingId', 'alias'])
      .where((eb) => eb.or(pairs.map((l) => eb.and([eb('listingId', '=', l.id), eb('bidderId', '=', l.leaderId!)]))))
      .execute();
    return new Map(rows.map((r) => [r.listingId, r.alias]));
  },

  /** Which of `listingIds` the user watches. */
  async watchedBy(db: Db, userId: string, listingIds: string[]): Promise<Set<string>> {
    if (listingIds.length === 0) return new Set();
    const rows = await db.selectFrom('watches').select('listingId').where('userId', '=', userId).where('listingId', '=', anyOf(listingIds, 'uuid')).execute();
    return new Set(rows.map((r) => r.listingId));
  },

  /** Adds a watch; the counter moves only when a row was actually inserted. Answers the new count. */
  async watch(db: Db, userId: string, listingId: string): Promise<number> {
    return db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('watches')
        .values({ userId, listingId })
        .onConflict((oc) => oc.columns(['userId', 'listingId']).doNothing())
        .returning('listingId')
        .executeTakeFirst();
      return inserted ? bumpWatchCount(trx, listingId, 1) : currentWatchCount(trx, listingId);
    });
  },

  /** Removes a watch; the counter moves only when a row was actually deleted. Answers the new count. */
  async unwatch(db: Db, userId: string, listingId: string): Promise<number> {
    return db.transaction().execute(async (trx) => {
      const deleted = await trx.deleteFrom('watches').where('userId', '=', userId).where('listingId', '=', listingId).returning('listingId').executeTakeFirst();
      return deleted ? bumpWatchCount(trx, listingId, -1) : currentWatchCount(trx, listingId);
    });
  },
};

async function bumpWatchCount(trx: Trx, listingId: string, delta: 1 | -1): Promise<number> {
  const row = await trx
    .updateTable('listings')
    .set({ watchCount: sql<number>`greatest(watch_count + ${delta}, 0)` })
    .where('id', '=', listingId)
    .returning('watchCount')
    .executeTakeFirstOrThrow();
  return row.watchCount;
}

async function currentWatchCount(trx: Trx, listingId: string): Promise<number> {
  const row = await trx.selectFrom('listings').select('watchCount').where('id', '=', listingId).executeTakeFirstOrThrow();
  return row.watchCount;
}
