import { errorOf, PlaceBidBody, submitBid } from '../src/modules/bidding';
import { z } from '../src/shared/zod';
import { onEvent } from './ack';
import type { BiddtSocket, RealtimeDeps } from './types';

/**
 * `bid {listingId, maxAmountCents, idempotencyKey}` — the REST body's rules (PlaceBidBody) plus the
 * listing and the key. The key is required here: a socket client cannot tell whether an emit made it
 * before a reconnect, so every bid must be safely retryable (same rule as the Idempotency-Key header).
 */
const BidPayload = PlaceBidBody.extend({
  listingId: z.uuid(),
  idempotencyKey: z.string().regex(/^[\w.:-]{1,200}$/, 'must be 1–200 characters of [A-Za-z0-9_.:-]'),
});

/**
 * Exactly the REST path (`submitBid`): the shared `bidsUser` limit, eligibility, receipt stamp, the
 * listing's bid stream and the bounded wait. Ack data is the 201 body, or `{requestId}` when undecided within the
 * wait (a `bid_result` follows in the user room); refusals are the same problems as REST (e.g.
 * `bid_too_low` with `minNextBidCents`).
 */
export function registerBidHandlers(deps: RealtimeDeps, socket: BiddtSocket): void {
  onEvent(socket, deps.logger, 'bid', BidPayload, async ({ listingId, maxAmountCents, idempotencyKey }) => {
    const outcome = await submitBid(deps, socket.data.actor, { listingId, maxAmountCents, idempotencyKey });
    if (!outcome.decided) return { requestId: outcome.requestId };
    const error = errorOf(outcome.result);
    if (error) throw error;
    return outcome.result.ok ? outcome.result.data : null;
  });
}
