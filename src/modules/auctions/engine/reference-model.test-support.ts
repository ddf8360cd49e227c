/**
 * Reference model of SPEC §2 for property tests, written independently of the engine: it keeps every
 * accepted bid and recomputes everything from scratch on each command. Slow and obvious on purpose —
 * it shares only type names with the engine, never code (the increment table is re-typed here).
 */
import type { AuctionType, BidErrorCode, EngineConfig, ListingStatus } from './engine.types';

export interface ModelTerms {
  sellerId: string;
  auctionType: AuctionType;
  status: ListingStatus;
  startingPriceCents: number;
  reservePriceCents: number | null;
  buyNowPriceCents: number | null;
  startsAt: number;
  endsAt: number;
}

/** One accepted bid; `order` is its position among accepted bids (0 = first). */
export interface ModelBid {
  bidderId: string;
  max: number;
  order: number;
  receivedAt: number;
}

export interface Model {
  terms: ModelTerms;
  endsAt: number;
  bids: ModelBid[];
  acceptedSoFar: number;
}

export interface ModelView {
  ranking: ModelBid[]; // each bidder's best bid, best first
  leaderId: string | null;
  priceCents: number;
  minNextCents: number;
  reserveMet: boolean;
}

export type ModelResult =
  { ok: true; leading: boolean; extended: boolean } | { ok: false; code: BidErrorCode; minNextCents?: number };

// [price strictly below, increment]; the last row has no upper bound.
const TABLE: Array<[number, number]> = [
  [100, 5],
  [500, 25],
  [2500, 50],
  [10000, 100],
  [25000, 250],
  [50000, 500],
  [100000, 1000],
  [250000, 2500],
  [500000, 5000],
  [Infinity, 10000],
];

/** Increment for a price, by plain table lookup. */
export function modelIncrement(price: number): number {
  for (const [below, step] of TABLE) if (price < below) return step;
  throw new Error('unreachable');
}

/** A fresh auction with no bids. */
export function modelStart(terms: ModelTerms): Model {
  return { terms, endsAt: terms.endsAt, bids: [], acceptedSoFar: 0 };
}

function isBetter(a: ModelBid, b: ModelBid): boolean {
  if (a.max !== b.max) return a.max > b.max;
  return a.order < b.order;
}

/** Each bidder's best bid (highest max, earlier on ties), sorted best first. */
function rankBidders(bids: ModelBid[]): ModelBid[] {
  const best: ModelBid[] = [];
  for (const bid of bids) {
    const i = best.findIndex((b) => b.bidderId === bid.bidderId);
    if (i === -1) best.push(bid);
    else if (isBetter(bid, best[i])) best[i] = bid;
  }
  return best.sort((a, b) => (isBetter(a, b) ? -1 : 1));
}

/** Everything a user could observe, derived from the full bid list. */
export function modelView(m: Model): ModelView {
  const ranking = rankBidders(m.bids);
  const t = m.terms;
  let price = t.startingPriceCents;
  if (ranking.length >= 2) {
    price = Math.min(ranking[0].max, ranking[1].max + modelIncrement(ranking[1].max));
  }
  const reserveMet = t.reservePriceCents === null || (ranking.length > 0 && ranking[0].max >= t.reservePriceCents);
  if (ranking.length > 0 && t.reservePriceCents !== null && reserveMet) {
    price = Math.max(price, t.reservePriceCents);
  }
  const minNextCents = ranking.length === 0 ? t.startingPriceCents : price + modelIncrement(price);
  const leaderId = ranking.length > 0 ? ranking[0].bidderId : null;
  return { ranking, leaderId, priceCents: price, minNextCents, reserveMet };
}

function modelReject(m: Model, bidderId: string, max: number, receivedAt: number): ModelResult | null {
  const t = m.terms;
  if (t.status === 'ended_sold' || t.status === 'ended_unsold') return { ok: false, code: 'auction_ended' };
  if (t.status !== 'active') return { ok: false, code: 'auction_not_active' };
  if (!(receivedAt >= t.startsAt)) return { ok: false, code: 'auction_not_active' };
  if (receivedAt >= m.endsAt) return { ok: false, code: 'auction_ended' };
  if (bidderId === t.sellerId) return { ok: false, code: 'own_listing' };
  if (t.auctionType === 'fixed') return { ok: false, code: 'auction_not_active' };
  if (!Number.isInteger(max) || max <= 0 || max > Number.MAX_SAFE_INTEGER) return { ok: false, code: 'invalid_amount' };
  const view = modelView(m);
  if (view.leaderId === bidderId) {
    if (max <= view.ranking[0].max) return { ok: false, code: 'bid_not_higher' };
    return null;
  }
  if (max < view.minNextCents) return { ok: false, code: 'bid_too_low', minNextCents: view.minNextCents };
  return null;
}

/** Decide a bid command; returns the new model (unchanged when rejected) and the result. */
export function modelBid(
  m: Model,
  cfg: EngineConfig,
  bidderId: string,
  max: number,
  receivedAt: number,
): { model: Model; result: ModelResult } {
  const rejection = modelReject(m, bidderId, max, receivedAt);
  if (rejection) return { model: m, result: rejection };
  const wasLeader = modelView(m).leaderId === bidderId;
  let endsAt = m.endsAt;
  if (!wasLeader && m.endsAt - receivedAt < cfg.softCloseWindowMs) {
    endsAt = Math.max(m.endsAt, receivedAt + cfg.softCloseExtensionMs);
  }
  const bid: ModelBid = { bidderId, max, order: m.acceptedSoFar, receivedAt };
  const next: Model = { ...m, endsAt, bids: [...m.bids, bid], acceptedSoFar: m.acceptedSoFar + 1 };
  const leading = modelView(next).leaderId === bidderId;
  return { model: next, result: { ok: true, leading, extended: endsAt !== m.endsAt } };
}

/** Withdraw all of a bidder's bids; the end time is never moved by a retraction. */
export function modelRetract(m: Model, bidderId: string): Model {
  return { ...m, bids: m.bids.filter((b) => b.bidderId !== bidderId) };
}

/** Receipt time of the bidder's latest accepted bid, or null if none is live. */
export function modelLatestBidAt(m: Model, bidderId: string): number | null {
  const mine = m.bids.filter((b) => b.bidderId === bidderId);
  return mine.length === 0 ? null : Math.max(...mine.map((b) => b.receivedAt));
}

/** Retraction allowed: active, not past the end, and (>12 h left or ≤1 h since the bidder's latest bid). */
export function modelCanRetract(m: Model, latestBidAt: number, now: number): boolean {
  if (m.terms.status !== 'active') return false;
  if (now >= m.endsAt) return false;
  const hour = 3_600_000;
  return m.endsAt - now > 12 * hour || now - latestBidAt <= hour;
}

/** Buy-now availability from the full bid list. */
export function modelBuyNow(m: Model): boolean {
  const t = m.terms;
  if (t.status !== 'active' || t.buyNowPriceCents === null) return false;
  if (t.auctionType === 'fixed') return true;
  if (m.bids.length === 0) return true;
  return t.reservePriceCents !== null && !modelView(m).reserveMet;
}

/** Close: sold to the leader at the current price iff someone bid and the reserve (if any) was reached. */
export function modelClose(m: Model): { sold: true; winnerId: string; finalPriceCents: number } | { sold: false } {
  const v = modelView(m);
  if (v.leaderId === null || !v.reserveMet) return { sold: false };
  return { sold: true, winnerId: v.leaderId, finalPriceCents: v.priceCents };
}
