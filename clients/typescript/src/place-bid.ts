import { BiddtApiError } from './errors';
import type { RealtimeConnection } from './realtime';
import type { BidAccepted, BidResultEvent } from './socket-events';

export interface PlaceBidInput {
  listingId: string;
  maxAmountCents: number;
  /** The same key = the same bid; default a new UUID, kept for every resend of this call. */
  idempotencyKey?: string;
}

/** One send of the bid (socket `bid` or `POST /v1/listings/:id/bids`): decided, or pending with a request id. */
export type SendBid = (input: Required<PlaceBidInput>) => Promise<BidAccepted | { requestId: string }>;

export interface PlaceBidOptions {
  /** How long to wait for `bid_result` before resending the same bid (same key → the stored result). */
  resultTimeoutMs?: number;
  /** Resends after a missing `bid_result` before giving up. */
  maxResends?: number;
}

const isPending = (r: BidAccepted | { requestId: string }): r is { requestId: string } => 'requestId' in r && !('bid' in r);

function settle(result: BidResultEvent): BidAccepted {
  if (result.ok) return result.data;
  throw new BiddtApiError(result.error);
}

/**
 * Places a bid and resolves with its decided answer (REST's 201 body) — also when the server only
 * acknowledged it (`{requestId}`, HTTP 202) and the decision comes later as `bid_result` in the user
 * room. If that event is missed (a reconnect in between: the adapter is at-most-once), the bid is sent
 * again with the same Idempotency-Key, which the server answers with the stored result and never
 * counts twice. A refused bid rejects with a BiddtApiError (`bid_too_low` carries `minNextBidCents`).
 */
export async function placeBid(
  conn: RealtimeConnection,
  send: SendBid,
  input: Required<PlaceBidInput>,
  options: PlaceBidOptions = {},
): Promise<BidAccepted> {
  const resultTimeoutMs = options.resultTimeoutMs ?? 10_000;
  const maxResends = options.maxResends ?? 3;
  for (let attempt = 0; ; attempt += 1) {
    const answer = await send(input);
    if (!isPending(answer)) return answer;
    const result = await conn.waitForBidResult(answer.requestId, resultTimeoutMs);
    if (result) return settle(result);
    if (attempt >= maxResends) {
      throw new BiddtApiError({
        type: 'about:blank',
        title: 'Gateway Timeout',
        status: 504,
        code: 'bid_result_timeout',
        detail: `No decision for bid request ${answer.requestId} after ${maxResends + 1} tries.`,
      });
    }
  }
}
