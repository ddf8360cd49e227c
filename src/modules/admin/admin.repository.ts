import { sql } from 'kysely';
import type { Db } from '../../../db/connection';

/**
 * Read-only presentation reads for the staff views. The admin module owns no table and writes none:
 * every change goes through the owning module's index. These reads join other modules' tables
 * (transactions, transaction_events, listings, disputes, ratings, users) the way a report does.
 */
export const adminRepository = {
  async transaction(db: Db, id: string) {
    return db.selectFrom('transactions').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async transactionEvents(db: Db, transactionId: string, limit: number) {
    const rows = await db
      .selectFrom('transactionEvents')
      .selectAll()
      .where('transactionId', '=', transactionId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse();
  },

  async listingTitle(db: Db, listingId: string) {
    return db.selectFrom('listings').select(['id', 'title']).where('id', '=', listingId).executeTakeFirst();
  },

  /** Each party's standing for a dispute case: account age, strikes, ratings received, past disputes and sales. */
  async history(db: Db, userIds: string[]) {
    if (userIds.length === 0) return [];
    return db
      .selectFrom('users as u')
      .select([
        'u.id',
        'u.displayName',
        'u.createdAt',
        'u.suspendedAt',
        'u.deletedAt',
        'u.nonPaymentStrikes',
        sql<string | null>`(SELECT round(avg(r.score), 1) FROM ratings r WHERE r.ratee_id = u.id)`.as('ratingAverage'),
        sql<string>`(SELECT count(*) FROM ratings r WHERE r.ratee_id = u.id)`.as('ratingCount'),
        sql<string>`(SELECT count(*) FROM disputes d JOIN transactions t ON t.id = d.transaction_id WHERE t.buyer_id = u.id OR t.seller_id = u.id)`.as(
          'disputes',
        ),
        sql<string>`(SELECT count(*) FROM transactions t WHERE t.buyer_id = u.id)`.as('asBuyer'),
        sql<string>`(SELECT count(*) FROM transactions t WHERE t.seller_id = u.id)`.as('asSeller'),
      ])
      .where('u.id', 'in', userIds)
      .execute();
  },

  /** A user's latest listings (any status, deleted ones too) for the staff profile. */
  async listingsOf(db: Db, sellerId: string, limit: number) {
    return db
      .selectFrom('listings')
      .select(['id', 'title', 'status', 'currentPriceCents', 'bidCount', 'endsAt', 'createdAt', 'deletedAt'])
      .where('sellerId', '=', sellerId)
      .orderBy('createdAt', 'desc')
      .limit(limit)
      .execute();
  },

  /** A user's latest transactions, either side, with the listing title. */
  async transactionsOf(db: Db, userId: string, limit: number) {
    return db
      .selectFrom('transactions as t')
      .innerJoin('listings as l', 'l.id', 't.listingId')
      .select(['t.id', 't.listingId', 'l.title as listingTitle', 't.buyerId', 't.sellerId', 't.amountCents', 't.status', 't.createdAt'])
      .where((eb) => eb.or([eb('t.buyerId', '=', userId), eb('t.sellerId', '=', userId)]))
      .orderBy('t.createdAt', 'desc')
      .limit(limit)
      .execute();
  },
};
