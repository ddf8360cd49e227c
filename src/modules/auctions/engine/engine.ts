/**
 * Public surface of the pure proxy-bid engine (SPEC §2). No I/O and no clock: every time is an epoch-ms
 * number passed in. The listing row lock serialises calls; this code only decides.
 */
import { compareStandings, isReserveMet, withStandings } from './standings';
import type { AuctionState, AuctionTerms, CloseOutcome, LiveBid, Standing } from './engine.types';

export type * from './engine.types';
export { bidIncrementCents } from './increment';
export { minNextBidCents, isReserveMet } from './standings';
export { placeBid } from './place-bid';

const HOUR_MS = 60 * 60 * 1000;
const RETRACT_REMAINING_MS = 12 * HOUR_MS;
const RETRACT_AFTER_BID_MS = HOUR_MS;

/** A published listing's state before any bid: the price is the starting price. */
export function initialState(terms: AuctionTerms): AuctionState {
  return {
    ...terms,
    leader: null,
    runnerUp: null,
    currentPriceCents: terms.startingPriceCents,
    bidCount: 0,
    nextBidSeq: 1,
  };
}

/** Each bidder's highest maximum; if one bidder has equal maxima, the earliest bid set it. */
function highestPerBidder(liveBids: LiveBid[]): Standing[] {
  const best = new Map<string, Standing>();
  for (const b of liveBids) {
    const mine: Standing = { bidderId: b.bidderId, maxAmountCents: b.maxAmountCents, bidSeq: b.bidSeq };
    const held = best.get(b.bidderId);
    if (!held || compareStandings(mine, held) < 0) best.set(b.bidderId, mine);
  }
  return [...best.values()];
}

/**
 * State rebuilt from scratch from the remaining live bid commands (after a retraction): leader, runner-up,
 * price and bidCount; terms, status and endsAt are kept (a retraction never moves the end). Pass one
 * entry per live bid command (the non-auto records): bidCount is their number.
 */
export function recompute(s: AuctionState, liveBids: LiveBid[]): AuctionState {
  const [leader = null, runnerUp = null] = highestPerBidder(liveBids).sort(compareStandings);
  // Seqs are never reused, so the counter only moves forward.
  const nextBidSeq = liveBids.reduce((n, b) => Math.max(n, b.bidSeq + 1), s.nextBidSeq);
  return withStandings({ ...s, bidCount: liveBids.length, nextBidSeq }, leader, runnerUp);
}

/**
 * Whether a bidder may retract now (SPEC §2): only while active and before endsAt, and only while more
 * than 12 h remain or at most 1 h has passed since the bidder's latest bid.
 */
export function canRetract(s: AuctionState, bidderLatestBidAt: number, now: number): boolean {
  // Past endsAt the auction is over even if the close job has not flipped the status yet.
  if (s.status !== 'active' || !(now < s.endsAt)) return false;
  return s.endsAt - now > RETRACT_REMAINING_MS || now - bidderLatestBidAt <= RETRACT_AFTER_BID_MS;
}

/** Buy-now is offered while active and (fixed price, or no bids yet, or a set reserve not yet met). */
export function isBuyNowAvailable(s: AuctionState): boolean {
  if (s.status !== 'active' || s.buyNowPriceCents === null) return false;
  const reserveUnmet = s.reservePriceCents !== null && !isReserveMet(s);
  return s.auctionType === 'fixed' || s.leader === null || reserveUnmet;
}

/** Result of closing: sold to the leader at the current price iff there is one and the reserve is met. */
export function closeOutcome(s: AuctionState): CloseOutcome {
  if (!s.leader || !isReserveMet(s)) return { sold: false };
  return { sold: true, winnerId: s.leader.bidderId, finalPriceCents: s.currentPriceCents };
}
