import { bidIncrementCents } from './increment';
import type { AuctionState, Standing } from './engine.types';

/** Ranking order: higher maximum first; on equal maxima the earlier bid (smaller seq) wins. */
export function compareStandings(a: Standing, b: Standing): number {
  return b.maxAmountCents - a.maxAmountCents || a.bidSeq - b.bidSeq;
}

/**
 * Current price as a pure function of the top two standings (SPEC §2):
 * startingPrice with at most one bidder, else min(leader.max, runnerUp.max + increment(runnerUp.max));
 * and once the leader's maximum reaches the reserve, at least the reserve (the hidden-reserve jump).
 */
export function priceFor(s: AuctionState, leader: Standing | null, runnerUp: Standing | null): number {
  const base =
    leader && runnerUp
      ? Math.min(leader.maxAmountCents, runnerUp.maxAmountCents + bidIncrementCents(runnerUp.maxAmountCents))
      : s.startingPriceCents;
  const reserve = s.reservePriceCents;
  return leader && reserve !== null && leader.maxAmountCents >= reserve ? Math.max(base, reserve) : base;
}

/** The state with these top two standings and the price they imply. */
export function withStandings(s: AuctionState, leader: Standing | null, runnerUp: Standing | null): AuctionState {
  return { ...s, leader, runnerUp, currentPriceCents: priceFor(s, leader, runnerUp) };
}

/** Smallest maximum a bidder other than the leader may bid now. */
export function minNextBidCents(s: AuctionState): number {
  if (!s.leader) return s.startingPriceCents;
  return s.currentPriceCents + bidIncrementCents(s.currentPriceCents);
}

/** True once the leader's maximum reaches the reserve; an auction without a reserve counts as met. */
export function isReserveMet(s: AuctionState): boolean {
  if (s.reservePriceCents === null) return true;
  return s.leader !== null && s.leader.maxAmountCents >= s.reservePriceCents;
}
