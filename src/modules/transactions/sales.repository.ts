import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../../db/connection';
import type { TransactionStatus } from '../../../db/schema';

/** Sales that were paid for count on the dashboard; unpaid and cancelled ones moved no money. */
export const PAID_STATUSES: TransactionStatus[] = ['in_escrow', 'disputed', 'released', 'refunded', 'partially_refunded'];

export interface SalesRange {
  sellerId: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

/** One sale with its money split (`net = gross − refunded − commission − escrowFee`). */
export interface SaleRow {
  transactionId: string;
  listingId: string;
  listingTitle: string;
  status: TransactionStatus;
  soldAt: Date;
  grossCents: number;
  refundedCents: number;
  commissionCents: number;
  escrowFeeCents: number;
  netCents: number;
}

export interface SaleTotals {
  count: number;
  grossCents: number;
  refundedCents: number;
  commissionCents: number;
  escrowFeeCents: number;
  netCents: number;
}

// The split of what the seller kept (amount − refunds), as `settlementFor` computes it: commission
// half-up on the kept part, escrow fee after it, neither above what is left (bigint: amount × bps
// overflows integer). One SQL definition, so the rows and the totals cannot disagree.
const KEPT = sql`(t.amount_cents - t.refunded_cents)::bigint`;
const COMMISSION = sql`CASE WHEN ${KEPT} <= 0 THEN 0 ELSE LEAST((${KEPT} * t.commission_bps + 5000) / 10000, ${KEPT}) END`;
const ESCROW_FEE = sql`CASE WHEN ${KEPT} <= 0 THEN 0 ELSE LEAST(t.escrow_fee_cents::bigint, ${KEPT} - ${COMMISSION}) END`;
const NET = sql`GREATEST(${KEPT}, 0) - ${COMMISSION} - ${ESCROW_FEE}`;
const int = (expr: RawBuilder<unknown>) => sql<number>`(${expr})::int`;
const total = (expr: RawBuilder<unknown>) => sql<string>`coalesce(sum(${expr}), 0)::bigint`;

function salesOf(db: Db, range: SalesRange) {
  let q = db
    .selectFrom('transactions as t')
    .innerJoin('listings as l', 'l.id', 't.listingId')
    .where('t.sellerId', '=', range.sellerId)
    .where('t.status', 'in', PAID_STATUSES);
  if (range.from) q = q.where('t.createdAt', '>=', range.from);
  if (range.to) q = q.where('t.createdAt', '<', range.to);
  return q;
}

const toTotals = (r: { count: string | number; gross: string; refunded: string; commission: string; escrowFee: string; net: string }): SaleTotals => ({
  count: Number(r.count),
  grossCents: Number(r.gross),
  refundedCents: Number(r.refunded),
  commissionCents: Number(r.commission),
  escrowFeeCents: Number(r.escrowFee),
  netCents: Number(r.net),
});

/** The seller's own paid sales and their money: pages, whole-range totals, totals per month. */
export const salesRepository = {
  /**
   * A page of sales, newest first; `afterId` (the last transaction of the previous page) positions the
   * keyset on (created_at, id) — only one of this seller's own sales can.
   */
  async page(db: Db, range: SalesRange, limit: number, afterId?: string): Promise<SaleRow[]> {
    let q = salesOf(db, range)
      .select([
        't.id as transactionId',
        't.listingId',
        'l.title as listingTitle',
        't.status',
        't.createdAt as soldAt',
        't.amountCents as grossCents',
        't.refundedCents',
        int(COMMISSION).as('commissionCents'),
        int(ESCROW_FEE).as('escrowFeeCents'),
        int(NET).as('netCents'),
      ])
      .orderBy('t.createdAt', 'desc')
      .orderBy('t.id', 'desc')
      .limit(limit);
    if (afterId) {
      q = q.where(sql<boolean>`(t.created_at, t.id) < (SELECT c.created_at, c.id FROM transactions c WHERE c.id = ${afterId} AND c.seller_id = ${range.sellerId})`);
    }
    return q.execute();
  },

  async totals(db: Db, range: SalesRange): Promise<SaleTotals> {
    const row = await salesOf(db, range)
      .select([
        sql<string>`count(*)`.as('count'),
        total(sql`t.amount_cents`).as('gross'),
        total(sql`t.refunded_cents`).as('refunded'),
        total(COMMISSION).as('commission'),
        total(ESCROW_FEE).as('escrowFee'),
        total(NET).as('net'),
      ])
      .executeTakeFirstOrThrow();
    return toTotals(row);
  },

  /** Totals per calendar month (UTC) of the sale, newest month first. */
  async monthly(db: Db, range: SalesRange): Promise<Array<SaleTotals & { period: string }>> {
    const month = sql<string>`to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM')`;
    const rows = await salesOf(db, range)
      .select([
        month.as('period'),
        sql<string>`count(*)`.as('count'),
        total(sql`t.amount_cents`).as('gross'),
        total(sql`t.refunded_cents`).as('refunded'),
        total(COMMISSION).as('commission'),
        total(ESCROW_FEE).as('escrowFee'),
        total(NET).as('net'),
      ])
      .groupBy(month)
      .orderBy(month, 'desc')
      .execute();
    return rows.map((r) => ({ period: r.period, ...toTotals(r) }));
  },
};
