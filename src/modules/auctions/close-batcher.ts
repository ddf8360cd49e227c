import type { Trx } from '../../../db/connection';
import { pipelinedTransaction } from '../../../db/pipelined-transaction';
import type { Platform } from '../../shared/platform';
import { lockListings, type LockedAuction } from './auctions.repository';
import { closeOutcome } from '../auctions/engine/engine';
import { auctionStateOf } from './auction-state';
import { finalizeListings, type Ending } from './finalize-listing';

export type FinalizeResult = 'closed' | 'not_active' | 'gone' | 'retry';

interface Pending {
  listingId: string;
  /** Redis time at which no undecided bid stamped before the end remained. */
  checkedAt: number;
  resolve(result: FinalizeResult): void;
  reject(err: unknown): void;
}

const MAX_BATCH = 250;
/**
 * Batches in flight at once. One at a time, a listing ready just after a batch began waited for that
 * whole transaction (round trips and the commit's WAL flush) before its own could start; with two,
 * the next batch starts while the previous one commits. More would only split the batches smaller.
 */
const MAX_IN_FLIGHT = 2;
/**
 * The bidding module's withdrawal of suspended accounts' standing bids on a listing, under the row
 * lock the caller holds (recomputing its auction state and appending `bids_retracted`): the close
 * runs it when the leader is suspended, so that a suspension whose job has not run yet still keeps
 * the account from winning. Given by the composition root, as BidsInFlightView is.
 */
export type WithdrawSuspendedBidders = (trx: Trx, listing: LockedAuction) => Promise<void>;

type CloseDeps = Pick<Platform, 'db' | 'config'> & { withdrawSuspendedBidders: WithdrawSuspendedBidders };

/**
 * Finalizes the listings whose close jobs are ready, many per transaction: when thousands of
 * auctions end in the same second, the ones ready while batches commit go together in the next
 * (rows locked in id order, so concurrent batches never deadlock). If a batch fails, each of its
 * listings is retried alone, so one bad listing cannot hold the others back.
 */
export class CloseBatcher {
  private readonly pending: Pending[] = [];
  private inFlight = 0;

  constructor(private readonly deps: CloseDeps) {}

  finalize(listingId: string, checkedAt: number): Promise<FinalizeResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ listingId, checkedAt, resolve, reject });
      this.pump();
    });
  }

  /** Starts batches while fewer than MAX_IN_FLIGHT run and listings wait. */
  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.pending.length) {
      const batch = this.takeBatch();
      if (batch.length === 0) return;
      this.inFlight += 1;
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    try {
      const results = await finalizeBatch(this.deps, batch);
      batch.forEach((p) => p.resolve(results.get(p.listingId)!));
    } catch {
      for (const p of batch) await finalizeBatch(this.deps, [p]).then((r) => p.resolve(r.get(p.listingId)!), p.reject);
    }
  }

  /** Up to MAX_BATCH distinct listings; a duplicate (a second close job) waits for the next round. */
  private takeBatch(): Pending[] {
    const seen = new Set<string>();
    const batch: Pending[] = [];
    const later: Pending[] = [];
    for (const p of this.pending.splice(0)) {
      if (batch.length < MAX_BATCH && !seen.has(p.listingId)) {
        seen.add(p.listingId);
        batch.push(p);
      } else later.push(p);
    }
    this.pending.push(...later);
    return batch;
  }
}

async function finalizeBatch(
  deps: CloseDeps,
  batch: Array<Pick<Pending, 'listingId' | 'checkedAt'>>,
): Promise<Map<string, FinalizeResult>> {
  const checkedAt = new Map(batch.map((p) => [p.listingId, p.checkedAt]));
  // Three round trips: BEGIN with the lock; the sales with the bidders to notify; the writes with COMMIT.
  return pipelinedTransaction(deps.db, async (trx, commitAfter) => {
    const rows = await withoutSuspendedLeaders(deps, trx, await lockListings(trx, [...checkedAt.keys()]), checkedAt);
    const results = new Map<string, FinalizeResult>([...checkedAt.keys()].map((id) => [id, 'gone']));
    const endings: Ending[] = [];
    for (const listing of rows) {
      if (listing.status !== 'active' || !listing.endsAt) results.set(listing.id, 'not_active');
      // A bid decided between the in-flight check and this lock may have extended the end.
      else if (listing.endsAt.getTime() > checkedAt.get(listing.id)!) results.set(listing.id, 'retry');
      else {
        const outcome = closeOutcome(auctionStateOf(listing));
        endings.push({
          listing,
          finale: outcome.sold
            ? { sold: true, buyerId: outcome.winnerId, priceCents: outcome.finalPriceCents, source: 'auction' }
            : { sold: false },
        });
        results.set(listing.id, 'closed');
      }
    }
    // The closes of a busy second come first: their jobs (pushes and SMS, payment reminder and
    // deadline) are queued once the burst is over, while the `auction_ended` events (what a watching
    // app shows) go out at once.
    await finalizeListings(trx, deps.config, endings, { jobsAt: new Date(Date.now() + deps.config.timing.closeJobsDelayMs), commitAfter });
    return results;
  });
}

/**
 * A suspended account never wins (SPEC §9): a suspension withdraws the user's bids through a job, and
 * a close that comes before it withdraws a suspended leader's bids here, under the lock, then closes
 * on the recomputed state (read again with the row: new leader, price and event head). The lock
 * statement reads whether each leader is suspended, so the common case costs no round trip.
 */
async function withoutSuspendedLeaders(
  deps: CloseDeps,
  trx: Trx,
  rows: Array<LockedAuction & { leaderSuspended: boolean }>,
  checkedAt: Map<string, number>,
): Promise<LockedAuction[]> {
  const due = (l: LockedAuction) => l.status === 'active' && l.endsAt !== null && l.endsAt.getTime() <= checkedAt.get(l.id)!;
  const suspendedLed = rows.filter((l) => l.leaderSuspended && due(l));
  if (suspendedLed.length === 0) return rows;
  for (const listing of suspendedLed) await deps.withdrawSuspendedBidders(trx, listing);
  const recomputed = new Map((await lockListings(trx, suspendedLed.map((l) => l.id))).map((l) => [l.id, l]));
  return rows.map((l) => recomputed.get(l.id) ?? l);
}
