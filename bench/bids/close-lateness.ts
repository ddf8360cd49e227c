import { sql } from 'kysely';
import type { Db } from '../../db/connection';
import { closeJob } from '../../src/modules/auctions/auction-jobs';
import { writeOutbox } from '../../src/shared/outbox';
import { percentile, round } from '../support';

export interface CloseLatenessResult {
  listings: number;
  closed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  allWithin1s: boolean;
  /** Epoch ms of the first `ends_at` (the closing second starts here). */
  endsFrom: number;
}

/**
 * 1,000 listings (each with a leading bid, so closing creates a transaction) ending within the same
 * second; lateness = ended_at (set in the closing transaction) − ends_at.
 */
export async function measureCloseLateness(db: Db, sellerId: string, bidderId: string, count: number): Promise<CloseLatenessResult> {
  const second = Math.ceil(Date.now() / 1000) * 1000 + 4000;
  const rows = Array.from({ length: count }, (_, i) => ({
    sellerId,
    title: `Close bench ${i}`,
    categorySlug: 'other',
    condition: 'good' as const,
    auctionType: 'auction' as const,
    startingPriceCents: 500,
    status: 'active' as const,
    startsAt: new Date(Date.now() - 60_000),
    endsAt: new Date(second + Math.floor((i * 1000) / count)),
    currentPriceCents: 500,
    bidCount: 1,
    leaderId: bidderId,
    leaderMaxCents: 1000,
    leaderSeq: 1,
    nextBidSeq: 2,
    reserveMet: true,
  }));
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += 250) {
    const inserted = await db.insertInto('listings').values(rows.slice(i, i + 250)).returning(['id', 'endsAt']).execute();
    await db.transaction().execute((trx) => writeOutbox(trx, inserted.map((l) => closeJob(l.endsAt!))));
    ids.push(...inserted.map((l) => l.id));
  }
  const deadline = second + 1000 + 15_000;
  for (;;) {
    const { n } = await db.selectFrom('listings').select(sql<string>`count(*)`.as('n')).where('id', 'in', ids).where('status', '=', 'active').executeTakeFirstOrThrow();
    if (Number(n) === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const ended = await db
    .selectFrom('listings')
    .select(sql<number>`extract(epoch from (ended_at - ends_at)) * 1000`.as('lateMs'))
    .where('id', 'in', ids)
    .where('endedAt', 'is not', null)
    .execute();
  const late = ended.map((r) => Number(r.lateMs)).sort((a, b) => a - b);
  return {
    listings: count,
    closed: late.length,
    p50Ms: round(percentile(late, 50)),
    p99Ms: round(percentile(late, 99)),
    maxMs: round(late[late.length - 1] ?? NaN),
    allWithin1s: late.length === count && (late[late.length - 1] ?? Infinity) <= 1000,
    endsFrom: second,
  };
}
