import { sql } from 'kysely';
import type { Db } from '../../../db/connection';

export interface ReviewRow {
  id: string;
  score: number;
  comment: string | null;
  createdAt: Date;
  /** created_at as exact PostgreSQL text, the page key. */
  createdKey: string;
  reviewerRole: 'buyer' | 'seller';
}

/** Reads the ratings a user received, newest first; `transactions` is read only to name the reviewer's side. */
export const reviewsRepository = {
  async pageFor(db: Db, rateeId: string, limit: number, after?: { key: string; id: string }): Promise<ReviewRow[]> {
    let query = db
      .selectFrom('ratings as r')
      .innerJoin('transactions as t', 't.id', 'r.transactionId')
      .select(['r.id', 'r.score', 'r.comment', 'r.createdAt'])
      .select(sql<string>`r.created_at::text`.as('createdKey'))
      .select(sql<'buyer' | 'seller'>`CASE WHEN r.rater_id = t.buyer_id THEN 'buyer' ELSE 'seller' END`.as('reviewerRole'))
      .where('r.rateeId', '=', rateeId);
    if (after) query = query.where(sql<boolean>`(r.created_at, r.id) < (${after.key}::timestamptz, ${after.id}::uuid)`);
    return query.orderBy('r.createdAt', 'desc').orderBy('r.id', 'desc').limit(limit).execute();
  },
};
