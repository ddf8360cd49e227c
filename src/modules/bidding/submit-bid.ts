import { randomUUID } from 'node:crypto';
import type { Deps } from '../../composition';
import { toProblem } from '../../http/problem';
import type { Actor } from '../../http/types';
import { sha256 } from '../../shared/crypto';
import { AppError, forbidden, notFound, unprocessable } from '../../shared/errors';
import type { BidResult } from './bid-results';
import { errorOfBidProblem } from './bid-errors';

export interface BidJobData {
  requestId: string;
  listingId: string;
  bidderId: string;
  maxAmountCents: number;
  receivedAt: number;
}

export type SubmitOutcome = { decided: true; result: BidResult } | { decided: false; requestId: string };

type SubmitDeps = Pick<Deps, 'db' | 'rateLimits' | 'queues' | 'bidsInFlight' | 'bidResults' | 'config'>;

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
  await deps.rateLimits.consume('bidsUser', actor.userId);
  const requestId = bidRequestId(actor.userId, input.idempotencyKey);
  const waiting = deps.bidResults.wait(requestId, deps.config.timing.bidWaitMs);

  const stored = await deps.db.selectFrom('bidRequests').selectAll().where('requestId', '=', requestId).executeTakeFirst();
  if (stored) {
    assertSameCommand(stored, input);
    return { decided: true, result: stored.result as unknown as BidResult };
  }
  await assertMayBid(deps, actor, input.listingId);

  const existing = await deps.queues.bids.getJob(requestId);
  if (existing) assertSameCommand(existing.data as BidJobData, input);
  else {
    const receivedAt = await deps.bidsInFlight.stamp(input.listingId, requestId);
    const data: BidJobData = { requestId, listingId: input.listingId, bidderId: actor.userId, maxAmountCents: input.maxAmountCents, receivedAt };
    try {
      await deps.queues.bids.add('bid.place', data, { jobId: requestId, attempts: 20, backoff: { type: 'exponential', delay: 100 } });
    } catch (err) {
      await deps.bidsInFlight.settle(input.listingId, [requestId]);
      throw err;
    }
  }

  const result = await waiting;
  if (result) return { decided: true, result };
  // The answer may have been published just before we listened; the stored outcome is authoritative.
  const late = await deps.db.selectFrom('bidRequests').select('result').where('requestId', '=', requestId).executeTakeFirst();
  return late ? { decided: true, result: late.result as unknown as BidResult } : { decided: false, requestId };
}

function assertSameCommand(stored: { listingId: string; maxAmountCents: number }, input: { listingId: string; maxAmountCents: number }): void {
  if (stored.listingId !== input.listingId || stored.maxAmountCents !== input.maxAmountCents) {
    throw unprocessable('idempotency_key_reused', 'This Idempotency-Key was used for a different bid.', {
      errors: [{ field: 'Idempotency-Key', message: 'already used with a different bid' }],
    });
  }
}

/** Cheap refusals before queueing (the worker re-checks what can change under the lock). */
async function assertMayBid(deps: SubmitDeps, actor: Actor, listingId: string): Promise<void> {
  const [bidder, listing] = await Promise.all([
    deps.db.selectFrom('users').select(['phoneVerifiedAt', 'suspendedAt', 'deletedAt']).where('id', '=', actor.userId).executeTakeFirst(),
    deps.db.selectFrom('listings').select(['sellerId', 'status']).where('id', '=', listingId).where('deletedAt', 'is', null).executeTakeFirst(),
  ]);
  if (!listing || listing.status === 'draft') throw notFound('listing');
  if (!bidder || bidder.deletedAt || bidder.suspendedAt || !bidder.phoneVerifiedAt) {
    throw forbidden('bidder_not_allowed', 'Your account cannot bid right now (suspended, deleted, or phone not verified).');
  }
  if (listing.sellerId === actor.userId) throw forbidden('own_listing', 'You cannot bid on your own listing.');
}

/** Turns a decided result into the AppError a transport should answer with (undefined when accepted). */
export function errorOf(result: BidResult): AppError | undefined {
  return result.ok ? undefined : errorOfBidProblem(result.error);
}

export { toProblem };
