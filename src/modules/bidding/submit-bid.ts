import { randomUUID } from 'node:crypto';
import type { Platform } from '../../shared/platform';
import type { Actor } from '../../shared/context';
import { sha256 } from '../../shared/crypto';
import { AppError, forbidden, notFound, unprocessable } from '../../shared/errors';
import { enqueue, type JobPayload } from '../../shared/jobs';
import { observeStage } from '../../shared/bid-stage-metrics';
import type { BidResult } from './bid-results';
import { errorOfBidProblem } from './bid-errors';
import { bidderAndListing, storedOutcome } from './bidding.repository';
import { refuseWhileStrikeSuspended } from './strike-suspension';
import type { BidResults } from './bid-results';
import type { BidsInFlight } from './bids-in-flight';

/** One bid command: the `bid.place` payload of the job catalogue. */
export type BidJobData = JobPayload<'bid.place'>;

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
 * stamp, then the `bids` queue; waits (bounded) for the worker's decision.
 */
export async function submitBid(
  deps: SubmitDeps,
  actor: Actor,
  input: { listingId: string; maxAmountCents: number; idempotencyKey?: string },
): Promise<SubmitOutcome> {
  const t0 = performance.now();
  await deps.rateLimits.consume('bidsUser', actor.userId);
  const requestId = bidRequestId(actor.userId, input.idempotencyKey);
  const retry = input.idempotencyKey ? await isRetry(deps, requestId, input) : false;
  if (retry) {
    const stored = await storedResult(deps, requestId);
    if (stored) return { decided: true, result: stored };
  } else {
    await assertMayBid(deps, actor, input.listingId);
  }

  const waiting = deps.bidResults.wait(requestId, deps.config.timing.bidWaitMs);
  const checked = performance.now();
  observeStage('intake_checks', checked - t0);
  // A retry of a command still in flight keeps its first stamp, and the same job id adds nothing.
  const receivedAt = await deps.bidsInFlight.stamp(input.listingId, requestId);
  const stamped = performance.now();
  observeStage('intake_stamp', stamped - checked);
  if (retry) {
    // The first may have been decided (and its mark settled) since we looked: don't leave a new mark.
    const stored = await storedResult(deps, requestId);
    if (stored) {
      await deps.bidsInFlight.settle(input.listingId, [requestId]);
      return { decided: true, result: stored };
    }
  }
  const data: BidJobData = {
    requestId,
    listingId: input.listingId,
    bidderId: actor.userId,
    maxAmountCents: input.maxAmountCents,
    receivedAt,
  };
  try {
    await enqueue(deps.queues, 'bid.place', data, { jobId: requestId });
  } catch (err) {
    await deps.bidsInFlight.settle(input.listingId, [requestId]);
    throw err;
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
  return late ? { decided: true, result: late } : { decided: false, requestId };
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
