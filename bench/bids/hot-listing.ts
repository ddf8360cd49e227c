import { bidIncrementCents } from '../../src/modules/auctions/engine/engine';
import { percentile, round } from '../support';
import { MAX_BID_CENTS } from '../../src/modules/bidding/bidding.schemas';

export interface HotListingResult {
  workers: number;
  bidders: number;
  seconds: number;
  sent: number;
  accepted: number;
  refused: number;
  pending202: number;
  errors: number;
  acceptedPerSec: number;
  decidedPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

/** Largest maximum the API accepts (PlaceBidBody); the bench moves to a fresh listing before it. */

/**
 * 200 concurrent bidders on ONE hot listing through the full path (HTTP → queue → worker → commit).
 * Maxima rise with a global counter by three increments per bid, so a bid stays acceptable even when
 * decided a little out of send order; when the price nears the API's ceiling the bidders move on to
 * a fresh listing (still one hot listing at a time). Response times are measured client-side.
 */
export async function hammerListing(opts: {
  apiUrl: string;
  newListing: () => Promise<string>;
  tokens: string[];
  seconds: number;
  warmupSeconds: number;
  workers: number;
}): Promise<HotListingResult> {
  const state = { listingId: await opts.newListing(), nextMax: 1000, rotating: false };
  const nextBid = async (): Promise<{ listingId: string; max: number }> => {
    if (state.nextMax > MAX_BID_CENTS * 0.9 && !state.rotating) {
      state.rotating = true;
      state.listingId = await opts.newListing();
      state.nextMax = 1000;
      state.rotating = false;
    }
    state.nextMax += 3 * bidIncrementCents(state.nextMax);
    return { listingId: state.listingId, max: state.nextMax };
  };
  const latencies: number[] = [];
  let sent = 0;
  let accepted = 0;
  let refused = 0;
  let pending202 = 0;
  let errors = 0;
  const started = Date.now();
  const measureFrom = started + opts.warmupSeconds * 1000;
  const until = measureFrom + opts.seconds * 1000;

  const bidder = async (token: string) => {
    while (Date.now() < until) {
      const { listingId, max } = await nextBid();
      const t0 = performance.now();
      const res = await fetch(`${opts.apiUrl}/v1/listings/${listingId}/bids`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ maxAmountCents: max }),
      }).catch(() => undefined);
      const ms = performance.now() - t0;
      await res?.arrayBuffer().catch(() => undefined);
      if (Date.now() < measureFrom) continue;
      sent += 1;
      if (!res || res.status >= 500) errors += 1;
      else if (res.status === 201) {
        accepted += 1;
        latencies.push(ms);
      } else if (res.status === 202) pending202 += 1;
      else refused += 1;
    }
  };
  await Promise.all(opts.tokens.map((t) => bidder(t)));
  latencies.sort((a, b) => a - b);
  return {
    workers: opts.workers,
    bidders: opts.tokens.length,
    seconds: opts.seconds,
    sent,
    accepted,
    refused,
    pending202,
    errors,
    acceptedPerSec: round(accepted / opts.seconds),
    decidedPerSec: round((accepted + refused) / opts.seconds),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
  };
}
