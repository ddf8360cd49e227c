import { randomUUID } from 'node:crypto';
import type { Platform } from '../../shared/platform';
import type { Actor } from '../../shared/context';
import { sha256 } from '../../shared/crypto';
import { AppError, forbidden, notFound, unprocessable } from '../../shared/errors';
import { observeStage } from '../../shared/bid-stage-metrics';
import type { BidResult } from './bid-results';
import { errorOfBidProblem } from './bid-errors';
import { bidderAndListing, rememberUndecided, storedOutcome } from './bidding.repository';
import { refuseWhileStrikeSuspended } from './strike-suspension';
import type { BidResults } from './bid-results';
import type { BidsInFlight } from './bids-in-flight';
import { enqueueDrain } from './bid-drain';

export type SubmitOutcome = { decided: true; result: BidResult } | { decided: false; requestId: string };

export type SubmitDeps = Pick<Platform, 'db' | 'redis' | 'rateLimits' | 'queues' | 'config'> & {
  bidsInFlight: BidsInFlight;
  bidResults: BidResults;
};

/** Request ids are derived from the caller's idempotency key, so a retried bid is the same command. */
export const bidRequestId = (userId: string, idempotencyKey: string | undefined): string =>
  idempotencyKey ? `r${sha256(`${userId}\u0000${idempotencyKey}`).slice(0, 40)}` : `r${randomUUID().replaceAll('-', '')}`;

/**
 * The cheap half of the bid path, shared by REST and sockets: limits and eligibility, a receipt
 * stamp and the listing's bid stream (plus a `bid.drain` job when no drain is running for the
 * listing); waits (bounded) for the worker's decision.
 */
export async function submitBid(
  deps: SubmitDeps,
  actor: Actor,
  input: { listingId: string; maxAmountCents: number; idempotencyKey?: string },
): Promise<SubmitOutcome> {
  const t0 = performance.now();
  const requestId = bidRequestId(actor.userId, input.idempotencyKey);
  // The three checks are independent reads (and the limit's count): made at once, they cost one
  // round trip instead of three. Their refusals keep their order: the limit, then the key, then
  // eligibility (which a retry skips: its first attempt was checked).
  const [limit, retried, eligibility] = await Promise.allSettled([
    deps.rateLimits.consume('bidsUser', actor.userId),
    input.idempotencyKey ? isRetry(deps, requestId, input) : Promise.resolve(false),
    assertMayBid(deps, actor, input.listingId),
  ]);
  if (limit.status === 'rejected') throw limit.reason;
  if (retried.status === 'rejected') throw retried.reason;
  const retry = retried.value;
  if (retry) {
    const stored = await storedResult(deps, requestId);
    if (stored) return { decided: true, result: stored };
    // Neither decided nor in flight: the first attempt was refused here (or is being checked at the
    // same moment), not let through; the retry must pass the same checks, or a refusal the worker
    // does not repeat (bidding_suspended) would be undone by sending the request twice.
    if (eligibility.status === 'rejected' && !(await deps.bidsInFlight.isUndecided(input.listingId, requestId))) {
      throw eligibility.reason;
    }
  } else if (eligibility.status === 'rejected') {
    throw eligibility.reason;
  }

  const waiting = deps.bidResults.wait(requestId, deps.config.timing.bidWaitMs);
  const checked = performance.now();
  observeStage('intake_checks', checked - t0);
  // One script: the stamp, the mark, the command into the listing's stream, the drain claim. A
  // retry of a command still in flight keeps its first stamp and adds nothing.
  const intake = { requestId, listingId: input.listingId, bidderId: actor.userId, maxAmountCents: input.maxAmountCents };
  const received = await deps.bidsInFlight.receive(intake);
  const stamped = performance.now();
  observeStage('intake_stamp', stamped - checked);
  if (retry) {
    // The first may have been decided (and its mark settled) since we looked: take back what we
    // added, but keep a drain claim that other commands now wait behind.
    const stored = await storedResult(deps, requestId);
    if (stored) {
      const mustDrain = await deps.bidsInFlight.undo(input.listingId, requestId, received, true);
      if (!received.entryId) await deps.bidsInFlight.settle(input.listingId, [requestId]);
      if (mustDrain) await enqueueDrain(deps.queues, input.listingId, received.generation);
      return { decided: true, result: stored };
    }
  }
  if (received.generation > 0) {
    try {
      await enqueueDrain(deps.queues, input.listingId, received.generation);
    } catch (err) {
      // No job will read the stream for this claim: take the command back and release the claim,
      // so the next bid (or the close, for commands already behind it) claims a new drain.
      await deps.bidsInFlight.undo(input.listingId, requestId, received);
      throw err;
    }
  }
  const queued = performance.now();
  observeStage('intake_enqueue', queued - stamped);

  const result = await waiting;
  const answered = performance.now();
  observeStage('intake_wait_decision', answered - queued);
  observeStage('intake_total', answered - t0);
  if (result) return { decided: true, result };
  // The answer may have been published just before we listened; the stored outcome is authoritative.
  const late = await storedResult(deps, requestId);
  if (late) return { decided: true, result: late };
  // A 202 promises a decision: a durable copy first, so a command Redis loses is put back (bid.sweep).
  await rememberUndecided(deps.db, { ...intake, receivedAt: new Date(received.receivedAt) });
  return { decided: false, requestId };
}

async function storedResult(deps: SubmitDeps, requestId: string): Promise<BidResult | undefined> {
  const row = await storedOutcome(deps.db, requestId);
  return row ? (row.result as unknown as BidResult) : undefined;
}

/**
 * Remembers which bid an idempotency key stands for (one Redis round trip on the first use); a
 * later use is a retry of the same bid, or refused with 422 if it carries a different one. Should
 * the key be forgotten, a retry is still harmless: its job finds the stored outcome of the first.
 */
async function isRetry(deps: SubmitDeps, requestId: string, input: { listingId: string; maxAmountCents: number }): Promise<boolean> {
  const fingerprint = `${input.listingId}:${input.maxAmountCents}`;
  const previous = await deps.redis.set(`${deps.config.redisPrefix}:bid-key:${requestId}`, fingerprint, 'EX', 86_400, 'NX', 'GET');
  if (previous === null) return false;
  if (previous !== fingerprint) {
    throw unprocessable('idempotency_key_reused', 'This Idempotency-Key was used for a different bid.', {
      errors: [{ field: 'Idempotency-Key', message: 'already used with a different bid' }],
    });
  }
  return true;
}

/** Cheap refusals before queueing, in one query (the worker re-checks what can change under the lock). */
async function assertMayBid(deps: SubmitDeps, actor: Actor, listingId: string): Promise<void> {
  const row = await bidderAndListing(deps.db, actor.userId, listingId);
  if (!row?.status || row.status === 'draft') throw notFound('listing');
  if (row.deletedAt || row.suspendedAt || !row.phoneVerifiedAt) {
    throw forbidden('bidder_not_allowed', 'Your account cannot bid right now (suspended, deleted, or phone not verified).');
  }
  if (row.sellerId === actor.userId) throw forbidden('own_listing', 'You cannot bid on your own listing.');
  refuseWhileStrikeSuspended(row.biddingSuspendedUntil);
}

/** Turns a decided result into the AppError a transport should answer with (undefined when accepted). */
export function errorOf(result: BidResult): AppError | undefined {
  return result.ok ? undefined : errorOfBidProblem(result.error);
}
