import { createActiveListing } from '../../support/fixtures';
import { postBid } from '../../support/bidding-http';
import type { TestUser } from '../../support/harness';
import type { FaultCluster } from './cluster';
import type { BidAnswer } from './invariants';
import { until } from './processes';

/**
 * Bidders raising each other on one listing over real HTTP (the api child) until `untilMs` has
 * passed; every answer is recorded, including the refusals and the errors a fault causes.
 */
export async function bidUntil(
  c: FaultCluster,
  listingId: string,
  bidders: TestUser[],
  untilMs: number,
  answers: BidAnswer[],
): Promise<void> {
  let max = 1_000;
  await Promise.all(
    bidders.map(async (bidder) => {
      while (Date.now() < untilMs) {
        max += 100 + Math.floor(Math.random() * 200);
        try {
          const res = await postBid(c.apiUrl, bidder, listingId, max);
          answers.push({ listingId, status: res.status, bidId: res.body?.bid?.id, requestId: res.body?.requestId });
        } catch {
          answers.push({ listingId, status: 0 }); // connection refused/reset: the client knows it failed
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }),
  );
}

/** A live auction ending in `endsInMs`, soft close off (the window is one second). */
export const endingAuction = (c: FaultCluster, sellerId: string, endsInMs: number) =>
  createActiveListing(c.deps, sellerId, { startingPriceCents: 1_000, endsInMs });

/** The sale the close created (waits for the close worker). */
export async function saleOf(c: FaultCluster, listingId: string, timeoutMs = 30_000) {
  return until(
    `listing ${listingId} closes into a sale`,
    () => c.deps.db.selectFrom('transactions').selectAll().where('listingId', '=', listingId).executeTakeFirst(),
    timeoutMs,
    () => c.logs().slice(-3000),
  );
}

/** Waits until every 202 the bidders received is decided (or `timeoutMs` passes: the invariant then names the lost ones). */
export async function bidsDecided(c: FaultCluster, answers: BidAnswer[], timeoutMs = 15_000): Promise<void> {
  const pending = answers.filter((a) => a.status === 202 && a.requestId).map((a) => a.requestId!);
  if (!pending.length) return;
  await until(
    'every 202 bid is decided',
    async () =>
      (await c.deps.db.selectFrom('bidRequests').select('requestId').where('requestId', 'in', pending).execute()).length === pending.length,
    timeoutMs,
  ).catch(() => undefined);
}
