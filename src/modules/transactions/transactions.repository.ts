import { sql, type Kysely } from 'kysely';
import type { Trx } from '../../../db/connection';
import type { Database, Transaction, TransactionStatus } from '../../../db/schema';

type Reader = Kysely<Database>;

export interface TransactionListFilter {
  userId: string;
  role?: 'buyer' | 'seller';
  status?: TransactionStatus;
  limit: number;
  /** Id of the last transaction of the previous page (keyset on `(created_at, id)`, exact to the microsecond). */
  afterId?: string;
}

/** The only Kysely code for reading and locking transactions outside the payments core. */
export const transactionsRepository = {
  async findById(db: Reader, id: string): Promise<Transaction | undefined> {
    return db.selectFrom('transactions').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** `SELECT … FOR UPDATE`: every decision about a transaction's escrow is taken under this lock. */
  async lockById(trx: Trx, id: string): Promise<Transaction | undefined> {
    return trx.selectFrom('transactions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  },

  /** A page of the user's transactions (as buyer, seller or both), newest first, with the listing title. */
  async listForUser(db: Reader, f: TransactionListFilter) {
    let q = db
      .selectFrom('transactions as t')
      .innerJoin('listings as l', 'l.id', 't.listingId')
      .selectAll('t')
      .select('l.title as listingTitle')
      .orderBy('t.createdAt', 'desc')
      .orderBy('t.id', 'desc')
      .limit(f.limit + 1);
    if (f.role === 'buyer') q = q.where('t.buyerId', '=', f.userId);
    else if (f.role === 'seller') q = q.where('t.sellerId', '=', f.userId);
    else q = q.where((eb) => eb.or([eb('t.buyerId', '=', f.userId), eb('t.sellerId', '=', f.userId)]));
    if (f.status) q = q.where('t.status', '=', f.status);
    if (f.afterId) {
      // Only one of the user's own transactions can position the cursor (a foreign id yields nothing).
      q = q.where(
        sql<boolean>`(t.created_at, t.id) < (SELECT c.created_at, c.id FROM transactions c WHERE c.id = ${f.afterId} AND (c.buyer_id = ${f.userId} OR c.seller_id = ${f.userId}))`,
      );
    }
    return q.execute();
  },

  /** Timeline entries after `afterId`, oldest first. */
  async events(db: Reader, transactionId: string, afterId: string | undefined, limit: number) {
    let q = db.selectFrom('transactionEvents').selectAll().where('transactionId', '=', transactionId).orderBy('id').limit(limit);
    if (afterId) q = q.where('id', '>', afterId as never);
    return q.execute();
  },

  /** Records the QR handover (the caller holds the row lock and has checked the state). */
  async markVerified(trx: Trx, id: string): Promise<Transaction> {
    return trx
      .updateTable('transactions')
      .set({ verifiedAt: sql<Date>`now()`, updatedAt: sql<Date>`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  /** The transaction's open dispute, if any (at most one: a partial unique index). */
  async openDispute(db: Reader, transactionId: string) {
    return db.selectFrom('disputes').selectAll().where('transactionId', '=', transactionId).where('status', '=', 'open').executeTakeFirst();
  },

  /** The most recent dispute of the transaction (open or resolved). */
  async latestDispute(db: Reader, transactionId: string) {
    return db
      .selectFrom('disputes')
      .selectAll()
      .where('transactionId', '=', transactionId)
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
  },
};

/** A sale row as the auctions module hands it over (fees already worked out by `createSales`). */
export type NewSaleRow = Pick<
  Transaction,
  | 'listingId'
  | 'buyerId'
  | 'sellerId'
  | 'amountCents'
  | 'commissionBps'
  | 'commissionCents'
  | 'escrowFeeCents'
  | 'sellerPayoutCents'
  | 'source'
>;

/** Inserts sales in one statement inside the caller's transaction; payment is due `paymentDeadlineSec` from now. */
export async function insertSales(trx: Trx, rows: NewSaleRow[], paymentDeadlineSec: number): Promise<Transaction[]> {
  return trx
    .insertInto('transactions')
    .values(rows.map((row) => ({ ...row, paymentDueAt: sql<Date>`now() + make_interval(secs => ${paymentDeadlineSec})` })))
    .returningAll()
    .execute();
}
