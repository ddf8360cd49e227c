import { sql } from 'kysely';
import type { Deps } from '../../composition';
import { writeOutbox } from '../../shared/outbox';
import { CLOSE_LEAD_MS } from './auction-jobs';
import { CloseBatcher, type FinalizeResult } from './close-batcher';
import { appendListingEvents } from './listing-events';

export type CloseResult = 'closed' | 'not_active' | 'not_due' | 'gone';

const WAIT_STEP_MS = 10;
const WAIT_LIMIT_MS = 30_000;
const STALE_CHECK_EVERY_MS = 200;

type CloseDeps = Pick<Deps, 'db' | 'config' | 'bidsInFlight'>;

/**
 * Closes a listing whose end has passed. Idempotent: a closed listing is left alone, one not yet
 * due (soft close moved its end) is left to the job for the new end. It never finalizes while a bid
 * stamped before the deadline is still undecided: it waits for the bids worker to decide it.
 */
export async function closeAuction(deps: CloseDeps, listingId: string): Promise<CloseResult> {
  for (let waited = 0; ; waited += WAIT_STEP_MS) {
    const listing = await deps.db.selectFrom('listings').select(['status', 'endsAt']).where('id', '=', listingId).executeTakeFirst();
    if (!listing) return 'gone';
    if (listing.status !== 'active' || !listing.endsAt) return 'not_active';
    const endsAt = listing.endsAt.getTime();
    const { now, pending } = await deps.bidsInFlight.pendingBefore(listingId, endsAt);
    if (pending < 0) {
      // Early by design: wait for the deadline. Much earlier means the end moved; its own job will come.
      if (endsAt - now > CLOSE_LEAD_MS * 2) return 'not_due';
      await new Promise((resolve) => setTimeout(resolve, endsAt - now));
      continue;
    }
    if (pending === 0) {
      const result = await finalizeIfDue(deps, listingId, now);
      if (result !== 'retry') return result;
    } else if (waited > 0 && waited % STALE_CHECK_EVERY_MS === 0) {
      await clearDecidedMarks(deps, listingId, endsAt);
    }
    if (waited >= WAIT_LIMIT_MS) throw new Error(`close of ${listingId} still waiting for bids in flight after ${WAIT_LIMIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
}

/**
 * A duplicate intake of a retried request can mark a bid again after the worker already decided and
 * settled it; its stored outcome proves it is decided, so the mark is cleared instead of waited out.
 */
async function clearDecidedMarks(deps: CloseDeps, listingId: string, endsAt: number): Promise<void> {
  const marked = await deps.bidsInFlight.undecidedBefore(listingId, endsAt);
  if (marked.length === 0) return;
  const decided = await deps.db.selectFrom('bidRequests').select('requestId').where('requestId', 'in', marked).execute();
  await deps.bidsInFlight.settle(
    listingId,
    decided.map((d) => d.requestId),
  );
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
export async function openAuction(deps: Pick<Deps, 'db'>, listingId: string): Promise<'opened' | 'skipped'> {
  return deps.db.transaction().execute(async (trx) => {
    const listing = await trx
      .selectFrom('listings')
      .select(['status', 'startsAt'])
      .where('id', '=', listingId)
      .forUpdate()
      .executeTakeFirst();
    if (!listing || listing.status !== 'scheduled' || !listing.startsAt || listing.startsAt.getTime() > Date.now()) return 'skipped';
    await trx.updateTable('listings').set({ status: 'active' }).where('id', '=', listingId).execute();
    await writeOutbox(
      trx,
      await appendListingEvents(trx, listingId, [{ type: 'auction_started', payload: { startsAt: listing.startsAt.toISOString() } }]),
    );
    return 'opened';
  });
}

/** Listings whose end or start passed without their job (a lost Redis job never leaves one open). */
export async function overdueListings(deps: Pick<Deps, 'db'>, limit = 500) {
  const due = await deps.db
    .selectFrom('listings')
    .select(['id', 'endsAt'])
    .where('status', '=', 'active')
    .where('endsAt', '<=', sql<Date>`now()`)
    .orderBy('endsAt')
    .limit(limit)
    .execute();
  const starting = await deps.db
    .selectFrom('listings')
    .select(['id', 'startsAt'])
    .where('status', '=', 'scheduled')
    .where('startsAt', '<=', sql<Date>`now()`)
    .orderBy('startsAt')
    .limit(limit)
    .execute();
  return { due, starting };
}
