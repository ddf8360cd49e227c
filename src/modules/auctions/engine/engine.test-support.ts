/**
 * Shared fixtures for the engine unit tests (engine.*.test.ts). Not a test suite itself:
 * the name deliberately does not end in `.test.ts`, so Jest does not collect it.
 */
import { initialState, placeBid } from './engine';
import type { AuctionState, AuctionTerms, BidDecision, EngineConfig, LiveBid } from './engine';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const START = 1_700_000_000_000;
export const END = START + 24 * HOUR;
export const CFG: EngineConfig = { softCloseWindowMs: 2 * MIN, softCloseExtensionMs: 2 * MIN };
export const EARLY = START + HOUR; // far from the end: no soft close

export type Accepted = Extract<BidDecision, { ok: true }>;

export function auction(over: Partial<AuctionTerms> = {}): AuctionState {
  return initialState({
    sellerId: 'seller',
    auctionType: 'auction',
    status: 'active',
    startingPriceCents: 500,
    reservePriceCents: null,
    buyNowPriceCents: null,
    startsAt: START,
    endsAt: END,
    ...over,
  });
}

export function bid(s: AuctionState, bidderId: string, max: number, receivedAt = EARLY, cfg = CFG): BidDecision {
  return placeBid(s, { bidderId, maxAmountCents: max, receivedAt }, cfg);
}

export function accept(s: AuctionState, bidderId: string, max: number, receivedAt = EARLY, cfg = CFG): Accepted {
  const d = bid(s, bidderId, max, receivedAt, cfg);
  if (!d.ok) throw new Error(`expected ${bidderId} ${max} to be accepted, got ${d.error.code}`);
  return d;
}

/** Applies accepted bids in order and returns the final state plus every bid command as a live bid. */
export function run(s: AuctionState, bids: Array<[string, number]>): { state: AuctionState; live: LiveBid[] } {
  const live: LiveBid[] = [];
  for (const [who, max] of bids) {
    const d = accept(s, who, max);
    const own = d.records.find((r) => !r.isAutoBid);
    if (!own) throw new Error('no own record');
    live.push({ bidderId: own.bidderId, maxAmountCents: own.maxAmountCents, bidSeq: own.bidSeq });
    s = d.state;
  }
  return { state: s, live };
}
