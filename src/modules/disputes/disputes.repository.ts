import { sql, type Kysely } from 'kysely';
import type { Trx } from '../../../db/connection';
import type { Database, DisputeResolution } from '../../../db/schema';
import type { DisputeRow } from './disputes.presenter';

type Reader = Kysely<Database> | Trx;

export interface StaffDisputeFilter {
  status?: 'open' | 'resolved';
  source?: 'party' | 'chargeback' | 'escalation';
  /** Only cases whose handover was (true) or was not (false) flagged far from the meetup's zone. */
  handoverFlagged?: boolean;
  /** Support works the queue oldest first by default. */
  sort: 'oldest' | 'newest';
  limit: number;
  afterId?: string;
}

/** The only Kysely code for disputes (opening one is `openDispute`, shared with the payments core). */
export const disputesRepository = {
  async findById(db: Reader, id: string): Promise<DisputeRow | undefined> {
    return db.selectFrom('disputes').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** The most recent dispute of the transaction (open or resolved). */
  async latestForTransaction(db: Reader, transactionId: string): Promise<DisputeRow | undefined> {
    return db
      .selectFrom('disputes')
      .selectAll()
      .where('transactionId', '=', transactionId)
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
  },

  /** The dispute opened for a Stripe chargeback, if any. */
  async findByStripeId(db: Reader, stripeDisputeId: string): Promise<DisputeRow | undefined> {
    return db.selectFrom('disputes').selectAll().where('stripeDisputeId', '=', stripeDisputeId).executeTakeFirst();
  },

  /** The id of the transaction's open dispute, if any (at most one: a partial unique index). */
  async openIdOf(db: Reader, transactionId: string) {
    return db.selectFrom('disputes').select('id').where('transactionId', '=', transactionId).where('status', '=', 'open').executeTakeFirst();
  },

  /** The card issuer decided a chargeback: our dispute follows (no staff decider). */
  async resolveFromIssuer(
    trx: Trx,
    id: string,
    r: { resolution: DisputeResolution; refundCents: number | null; note: string },
  ): Promise<void> {
    await trx
      .updateTable('disputes')
      .set({
        status: 'resolved',
        resolution: r.resolution,
        refundCents: r.refundCents,
        resolutionNote: r.note,
        resolvedAt: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .execute();
  },

  /** The transaction's open dispute, if any (at most one: a partial unique index). */
  async openOf(db: Reader, transactionId: string): Promise<DisputeRow | undefined> {
    return db.selectFrom('disputes').selectAll().where('transactionId', '=', transactionId).where('status', '=', 'open').executeTakeFirst();
  },

  async insert(
    trx: Trx,
    d: { transactionId: string; source: DisputeRow['source']; openedBy: string | null; reason: string; details: string; stripeDisputeId: string | null },
  ): Promise<DisputeRow> {
    return trx.insertInto('disputes').values(d).returningAll().executeTakeFirstOrThrow();
  },

  async lockById(trx: Trx, id: string): Promise<DisputeRow | undefined> {
    return trx.selectFrom('disputes').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  },

  async markResolved(
    trx: Trx,
    id: string,
    r: { resolution: DisputeResolution; refundCents: number | null; note: string; resolvedBy: string },
  ): Promise<DisputeRow> {
    return trx
      .updateTable('disputes')
      .set({
        status: 'resolved',
        resolution: r.resolution,
        refundCents: r.refundCents,
        resolutionNote: r.note,
        resolvedBy: r.resolvedBy,
        resolvedAt: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  /** A page of disputes for staff, with the transaction and listing they are about. */
  async listForStaff(db: Reader, f: StaffDisputeFilter) {
    const dir = f.sort === 'oldest' ? 'asc' : 'desc';
    let q = db
      .selectFrom('disputes as d')
      .innerJoin('transactions as t', 't.id', 'd.transactionId')
      .innerJoin('listings as l', 'l.id', 't.listingId')
      .selectAll('d')
      .select([
        't.amountCents',
        't.status as transactionStatus',
        't.buyerId',
        't.sellerId',
        't.listingId',
        't.handoverFlagged',
        'l.title as listingTitle',
      ])
      .orderBy('d.createdAt', dir)
      .orderBy('d.id', dir)
      .limit(f.limit + 1);
    if (f.status) q = q.where('d.status', '=', f.status);
    if (f.source) q = q.where('d.source', '=', f.source);
    if (f.handoverFlagged !== undefined) q = q.where('t.handoverFlagged', '=', f.handoverFlagged);
    if (f.afterId) {
      const op = sql.raw(f.sort === 'oldest' ? '>' : '<');
      q = q.where(sql<boolean>`(d.created_at, d.id) ${op} (SELECT c.created_at, c.id FROM disputes c WHERE c.id = ${f.afterId})`);
    }
    return q.execute();
  },

  /** The chat of a transaction, oldest first (evidence for staff). */
  async messages(db: Reader, transactionId: string, limit: number) {
    const rows = await db
      .selectFrom('messages')
      .selectAll()
      .where('transactionId', '=', transactionId)
      .orderBy('seq', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse();
  },

  /** Display names of the people involved, for the staff console. */
  async people(db: Reader, ids: string[]) {
    if (ids.length === 0) return [];
    return db.selectFrom('users').select(['id', 'displayName', 'role', 'suspendedAt', 'deletedAt']).where('id', 'in', ids).execute();
  },
};

/** The disputes the user opened as a party (reason and details in their words), for a privacy access request. */
export async function disputesOpenedBy(db: Reader, userId: string): Promise<DisputeRow[]> {
  return db.selectFrom('disputes').selectAll().where('openedBy', '=', userId).orderBy('createdAt').execute();
}
