import type { Platform } from '../../shared/platform';
import type { Queues } from '../../shared/jobs';
import { forgetUndecided, undecidedSince } from './bidding.repository';
import type { BidsInFlight } from './bids-in-flight';
import { enqueueDrain } from './bid-drain';

/**
 * A command answered 202 this long ago and still undecided is checked: if Redis no longer holds it
 * (its stream entry is gone), it is put back. Younger ones are most likely just waiting for a busy
 * or restarting worker. Putting back one that is merely slow is harmless: it is decided once (the
 * second copy answers the stored outcome).
 */
export const REDRIVE_AFTER_MS = 3_000;
const BATCH = 500;

export type RedriveDeps = Pick<Platform, 'db' | 'logger'> & { bidsInFlight: BidsInFlight; queues: Queues };

/**
 * `bid.sweep` (every few seconds): a bid answered 202 was promised a decision. Its durable copy
 * (written before the 202) is dropped once the outcome is stored; one whose command Redis lost is
 * put back with its original receipt stamp, so it is decided — in time if the close has not run
 * yet (the close waits for the restored mark), else refused as `auction_ended` — never silently lost.
 */
export async function redriveUndecided(deps: RedriveDeps): Promise<{ forgotten: number; restored: number }> {
  const rows = await undecidedSince(deps.db, REDRIVE_AFTER_MS, BATCH);
  const decided = rows.filter((r) => r.decided).map((r) => r.requestId);
  await forgetUndecided(deps.db, decided);
  let restored = 0;
  const byListing = new Map<string, typeof rows>();
  for (const r of rows.filter((row) => !row.decided)) byListing.set(r.listingId, [...(byListing.get(r.listingId) ?? []), r]);
  for (const [listingId, waiting] of byListing) {
    const queued = new Set(await deps.bidsInFlight.queued(listingId));
    for (const r of waiting.filter((row) => !queued.has(row.requestId))) {
      const generation = await deps.bidsInFlight.restore({
        requestId: r.requestId,
        listingId,
        bidderId: r.bidderId,
        maxAmountCents: r.maxAmountCents,
        receivedAt: r.receivedAt.getTime(),
      });
      if (generation > 0) await enqueueDrain(deps.queues, listingId, generation);
      restored += 1;
    }
  }
  if (restored) deps.logger.warn({ restored }, 'bids answered 202 were lost from Redis; put back with their receipt stamps');
  return { forgotten: decided.length, restored };
}
