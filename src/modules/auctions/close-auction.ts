import type { Platform } from '../../shared/platform';
import { writeOutbox } from '../../shared/outbox';
import { CLOSE_LEAD_MS } from './auction-jobs';
import { CloseBatcher, type FinalizeResult, type WithdrawSuspendedBidders } from './close-batcher';
import { appendListingEvents } from './listing-events';
import {
  activeEndingBetween,
  decidedRequestIds,
  findListingEnd,
  lockListingStart,
  markActive,
  overdueActive,
  overdueScheduled,
} from './auctions.repository';

export type { WithdrawSuspendedBidders };

export type CloseResult = 'closed' | 'not_active' | 'not_due' | 'gone';

const WAIT_STEP_MS = 10;
const WAIT_LIMIT_MS = 30_000;
const STALE_CHECK_EVERY_MS = 200;

const sleep = (ms: number) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

/**
 * The bidding module's receipt stamps of bids not yet decided (its `BidsInFlight`), as the close
 * path uses them: the auctions module sits below bidding, so it states the shape it needs.
 */
export interface BidsInFlightView {
  pendingBefore(listingId: string, endsAt: number): Promise<{ now: number; pending: number }>;
  undecidedBefore(listingId: string, endsAt: number): Promise<string[]>;
  settle(listingId: string, requestIds: string[]): Promise<void>;
  /** Clears marks nothing will ever decide (no command behind them), and re-drains commands left with no drain. */
  clearAbandoned(listingId: string, endsAt: number): Promise<string[]>;
}

export type CloseDeps = Pick<Platform, 'db' | 'config'> & { bidsInFlight: BidsInFlightView; withdrawSuspendedBidders: WithdrawSuspendedBidders };

/**
 * Closes a listing whose end has passed. Idempotent: a closed listing is left alone, one not yet
 * due (soft close moved its end) is left to the job for the new end. It never finalizes while a bid
 * stamped before the deadline is still undecided: it waits for the bids worker to decide it, however
 * long that takes (after WAIT_LIMIT_MS the job fails and is retried, and the overdue sweep re-drives
 * it), so a bid received in time is decided as in time even after a long worker outage.
 */
export async function closeAuction(deps: CloseDeps, listingId: string, known?: ListingEnd): Promise<CloseResult> {
  let listing = known ?? (await findListingEnd(deps.db, listingId));
  // Wall-clock, not loop counts: each step also costs two round trips, which a loaded machine stretches.
  let waitingSince: number | undefined;
  let staleCheckedAt = 0;
  for (;;) {
    if (!listing) return 'gone';
    if (listing.status !== 'active' || !listing.endsAt) return 'not_active';
    const endsAt = listing.endsAt.getTime();
    // A job arriving CLOSE_LEAD_MS early sleeps to the end on the local clock before asking Redis:
    // one Redis call per close instead of two (Redis time still decides; if it says early, we wait on).
    const localEarly = endsAt - Date.now();
    if (localEarly > 0 && localEarly <= CLOSE_LEAD_MS * 2) await sleep(localEarly);
    const { now, pending } = await deps.bidsInFlight.pendingBefore(listingId, endsAt);
    if (pending < 0) {
      // Early by design: wait for the deadline. Much earlier means the end moved; its own job will come.
      if (endsAt - now > CLOSE_LEAD_MS * 2) return 'not_due';
      // No second read after the wait: the batch re-checks the end under the row lock (→ 'retry').
      await sleep(endsAt - now);
      continue;
    }
    if (pending === 0) {
      const result = await finalizeIfDue(deps, listingId, now);
      if (result !== 'retry') return result;
      listing = await findListingEnd(deps.db, listingId);
      continue;
    }
    const clock = Date.now();
    waitingSince ??= clock;
    staleCheckedAt ||= clock;
    if (clock - staleCheckedAt >= STALE_CHECK_EVERY_MS) {
      await clearDecidedMarks(deps, listingId, endsAt);
      staleCheckedAt = Date.now();
    }
    if (clock - waitingSince >= WAIT_LIMIT_MS) throw new Error(`close of ${listingId} still waiting for bids in flight after ${WAIT_LIMIT_MS} ms`);
    await sleep(WAIT_STEP_MS);
    listing = await findListingEnd(deps.db, listingId);
  }
}

type ListingEnd = { status: string; endsAt: Date | null };

export interface SecondClosed {
  closed: number;
  /** Already ended, cancelled or moved out of the second (soft close) by the time it was reached. */
  skipped: number;
}

/** After the second, how long the job waits before its last look for listings that joined it late. */
const SECOND_SETTLE_MS = 50;

/**
 * Closes every listing ending within the epoch second `second`, each at its own end, through the
 * same per-listing close (bids in flight, the batcher). The listings are read once when the job
 * starts (CLOSE_LEAD_MS early) and once more after the second has passed, for any that joined it
 * meanwhile (published or extended into it late); one that joins even later is the overdue sweep's.
 * If any close fails the job fails and is retried: the retry finds only the listings still active.
 */
export async function closeSecond(deps: CloseDeps, second: number): Promise<SecondClosed> {
  const from = new Date(second * 1000);
  const to = new Date(second * 1000 + 1000);
  const started = new Set<string>();
  // Settled as they finish: a close failing while the job still waits for the second must not be
  // an unhandled rejection.
  const closes: Array<Promise<PromiseSettledResult<CloseResult>>> = [];
  const startNew = async () => {
    for (const listing of await activeEndingBetween(deps.db, from, to)) {
      if (started.has(listing.id)) continue;
      started.add(listing.id);
      // Each starts CLOSE_LEAD_MS before its own end, as a job of its own would have.
      const lead = listing.endsAt!.getTime() - CLOSE_LEAD_MS - Date.now();
      const close = sleep(lead).then(() => closeAuction(deps, listing.id, listing));
      closes.push(close.then((value) => ({ status: 'fulfilled', value }), (reason: unknown) => ({ status: 'rejected', reason })));
    }
  };
  await startNew();
  await sleep(to.getTime() + SECOND_SETTLE_MS - Date.now());
  await startNew();
  const results = await Promise.all(closes);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const closed = results.filter((r) => r.status === 'fulfilled' && r.value === 'closed').length;
  return { closed, skipped: results.length - closed };
}

/**
 * A duplicate intake of a retried request can mark a bid again after the worker already decided and
 * settled it; its stored outcome proves it is decided, so the mark is cleared instead of waited out.
 * A mark nothing will ever decide (no command behind it) is cleared too.
 */
async function clearDecidedMarks(deps: CloseDeps, listingId: string, endsAt: number): Promise<void> {
  const marked = await deps.bidsInFlight.undecidedBefore(listingId, endsAt);
  if (marked.length === 0) return;
  const decided = await decidedRequestIds(deps.db, marked);
  await deps.bidsInFlight.settle(listingId, decided);
  if (decided.length < marked.length) await deps.bidsInFlight.clearAbandoned(listingId, endsAt);
}

const batchers = new WeakMap<object, CloseBatcher>();

/** Finalizes through this process's batcher, so listings ending together share transactions. */
function finalizeIfDue(deps: CloseDeps, listingId: string, redisNow: number): Promise<FinalizeResult> {
  let batcher = batchers.get(deps);
  if (!batcher) {
    batcher = new CloseBatcher(deps);
    batchers.set(deps, batcher);
  }
  return batcher.finalize(listingId, redisNow);
}

/** Opens a scheduled listing whose start has come (idempotent). */
export async function openAuction(deps: Pick<Platform, 'db'>, listingId: string): Promise<'opened' | 'skipped'> {
  return deps.db.transaction().execute(async (trx) => {
    const listing = await lockListingStart(trx, listingId);
    if (!listing || listing.status !== 'scheduled' || !listing.startsAt || listing.startsAt.getTime() > Date.now()) return 'skipped';
    await markActive(trx, listingId);
    await writeOutbox(
      trx,
      await appendListingEvents(trx, listingId, [{ type: 'auction_started', payload: { startsAt: listing.startsAt.toISOString() } }]),
    );
    return 'opened';
  });
}

/** Listings whose end or start passed without their job (a lost Redis job never leaves one open). */
export async function overdueListings(deps: Pick<Platform, 'db'>, limit = 500) {
  const due = await overdueActive(deps.db, limit);
  const starting = await overdueScheduled(deps.db, limit);
  return { due, starting };
}
