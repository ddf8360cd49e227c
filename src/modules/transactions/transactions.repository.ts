import { sql, type Kysely } from 'kysely';
import type { Trx } from '../../../db/connection';
import { bulkInsert, type BulkColumnType } from '../../../db/bulk-insert';
import type { Database, Transaction, TransactionStatus } from '../../../db/schema';
import { balanceOf, LedgerAccount } from '../ledger';

type Reader = Kysely<Database> | Trx;

/** A transaction's parties and status (room and chat access). */
export type TransactionParties = Pick<Transaction, 'id' | 'buyerId' | 'sellerId' | 'status'>;

/** When the escrow started: the payment time (set by the payments core), else the creation time. */
const ESCROW_SINCE = sql<Date>`coalesce(paid_at, created_at)`;

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

  /** The newest sale of a listing (a listing whose buyer did not pay may be sold again). */
  async latestForListing(db: Reader, listingId: string): Promise<Transaction | undefined> {
    return db.selectFrom('transactions').selectAll().where('listingId', '=', listingId).orderBy('createdAt', 'desc').limit(1).executeTakeFirst();
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

  /**
   * Timeline entries after `afterId`, oldest first. Without `withStaffWork`, the notes left for staff
   * (`data.needsStaff`: a refused reversal with the provider's error, a blocked refund) are left out.
   */
  async events(db: Reader, transactionId: string, afterId: string | undefined, limit: number, withStaffWork = true) {
    let q = db.selectFrom('transactionEvents').selectAll().where('transactionId', '=', transactionId).orderBy('id').limit(limit);
    if (afterId) q = q.where('id', '>', afterId as never);
    if (!withStaffWork) q = q.where(sql<boolean>`NOT (data @> '{"needsStaff": true}'::jsonb)`);
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

  /** Freezes the escrow: the caller holds the row lock and has checked the transition (opening a dispute). */
  async markDisputed(trx: Trx, id: string): Promise<void> {
    await trx.updateTable('transactions').set({ status: 'disputed', updatedAt: sql<Date>`now()` }).where('id', '=', id).execute();
  },

  /** Buyer, seller and status only: what room and chat access is decided on (SPEC §6). */
  async parties(db: Reader, id: string): Promise<TransactionParties | undefined> {
    return db.selectFrom('transactions').select(['id', 'buyerId', 'sellerId', 'status']).where('id', '=', id).executeTakeFirst();
  },

  /** Whether the transaction has been in escrow (since payment, else creation) for `sec` seconds. */
  async escrowOverdue(trx: Trx, id: string, sec: number): Promise<boolean> {
    const { due } = await trx
      .selectFrom('transactions')
      .select(sql<boolean>`${ESCROW_SINCE} + make_interval(secs => ${sec}) <= now()`.as('due'))
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return due;
  },

  /** Unverified `in_escrow` transactions in escrow for `sec` seconds or more, most overdue first. */
  async overdueUnverified(db: Reader, sec: number, limit: number): Promise<Array<{ id: string }>> {
    return db
      .selectFrom('transactions')
      .select('id')
      .where('status', '=', 'in_escrow')
      .where('verifiedAt', 'is', null)
      .where(sql<boolean>`${ESCROW_SINCE} + make_interval(secs => ${sec}) <= now()`)
      .orderBy(ESCROW_SINCE)
      .limit(limit)
      .execute();
  },

  /**
   * What a card network holds of the sale for a chargeback (the ledger's `chargeback:<txId>`): withdrawn
   * and not given back (won) nor settled as the buyer's refund (lost). 0 without a chargeback.
   */
  async chargebackHeldCents(db: Reader, transactionId: string): Promise<number> {
    return balanceOf(db, LedgerAccount.chargeback(transactionId));
  },

  /** Whether the timeline already has a `type` entry whose `data.<key>` is `value` (an entry recorded once). */
  async hasEventWith(db: Reader, transactionId: string, type: string, key: string, value: string): Promise<boolean> {
    const seen = await db
      .selectFrom('transactionEvents')
      .select('id')
      .where('transactionId', '=', transactionId)
      .where('type', '=', type)
      .where(sql<boolean>`data->>${sql.lit(key)} = ${value}`)
      .executeTakeFirst();
    return seen !== undefined;
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

const SALE_COLUMNS = {
  listingId: 'uuid',
  buyerId: 'uuid',
  sellerId: 'uuid',
  amountCents: 'integer',
  commissionBps: 'integer',
  commissionCents: 'integer',
  escrowFeeCents: 'integer',
  sellerPayoutCents: 'integer',
  source: 'text',
} as const satisfies Record<keyof NewSaleRow, BulkColumnType>;

/**
 * Inserts sales in one statement inside the caller's transaction (one text for any number of
 * sales: a busy closing second inserts them in batches); payment is due `paymentDeadlineSec` from now.
 */
export async function insertSales(trx: Trx, rows: NewSaleRow[], paymentDeadlineSec: number): Promise<Transaction[]> {
  const dueAt = sql`now() + make_interval(secs => ${paymentDeadlineSec})`;
  const inserted = await bulkInsert(trx, 'transactions', { ...SALE_COLUMNS, paymentDueAt: { type: 'timestamptz', whenNull: dueAt } }, rows)
    .returningAll()
    .execute();
  return inserted as Transaction[];
}

/** Appends to a transaction's timeline (GET /v1/transactions/:id/events) in the caller's database transaction. */
export async function recordTransactionEvent(
  trx: Trx,
  transactionId: string,
  type: string,
  data: Record<string, unknown> = {},
  actorId: string | null = null,
): Promise<void> {
  await trx.insertInto('transactionEvents').values({ transactionId, type, actorId, data: JSON.stringify(data) }).execute();
}
