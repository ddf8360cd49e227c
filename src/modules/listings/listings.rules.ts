/**
 * Listing rules (SPEC §2), pure. Shape problems (types, ranges, unknown fields) are refused at the edge
 * with 400; these cross-field rules are checked on the complete (merged) listing and answer 422.
 */
import type { AuctionType, ListingStatus } from '../../../db/schema';
import type { FieldError } from '../../shared/errors';

const DAY_SEC = 24 * 3600;
/** Longest auction / listing lifetime, and how far ahead a start may be scheduled. */
export const MAX_DURATION_SEC = 30 * DAY_SEC;
export const MAX_SCHEDULE_AHEAD_SEC = 30 * DAY_SEC;
/** Accounts younger than this are held to the new-account listing limit (SPEC §4). */
export const NEW_ACCOUNT_AGE_SEC = 7 * DAY_SEC;

export interface PriceTerms {
  auctionType: AuctionType;
  /** null: not given (a fixed-price listing derives it from its buy-now price). */
  startingPriceCents: number | null;
  reservePriceCents: number | null;
  buyNowPriceCents: number | null;
}

export interface Schedule {
  startsAt: Date | null;
  endsAt: Date | null;
}

export interface ScheduleLimits {
  minDurationSec: number;
}

/**
 * Price rules. `auction`: starting ≥ minimum; reserve > starting; no buy-now (use `both`).
 * `both`: as auction, plus a buy-now that is ≥ reserve, or > starting without one.
 * `fixed`: a buy-now ≥ minimum and no reserve; the starting price is the buy-now price.
 */
export function priceErrors(t: PriceTerms, minPriceCents: number): FieldError[] {
  if (t.auctionType === 'fixed') return fixedPriceErrors(t, minPriceCents);
  const errors: FieldError[] = [];
  if (t.startingPriceCents === null) return [{ field: 'startingPriceCents', message: 'is required for auctions' }];
  const start = t.startingPriceCents;
  if (start < minPriceCents) errors.push({ field: 'startingPriceCents', message: `must be at least ${minPriceCents} cents` });
  if (t.reservePriceCents !== null && t.reservePriceCents <= start) {
    errors.push({ field: 'reservePriceCents', message: 'must be greater than startingPriceCents' });
  }
  const buyNow = t.buyNowPriceCents;
  if (t.auctionType === 'auction') {
    if (buyNow !== null) errors.push({ field: 'buyNowPriceCents', message: "is not offered on 'auction' listings; use auctionType 'both'" });
    return errors;
  }
  if (buyNow === null) errors.push({ field: 'buyNowPriceCents', message: "is required when auctionType is 'both'" });
  else if (t.reservePriceCents !== null && buyNow < t.reservePriceCents) {
    errors.push({ field: 'buyNowPriceCents', message: 'must be at least reservePriceCents' });
  } else if (t.reservePriceCents === null && buyNow <= start) {
    errors.push({ field: 'buyNowPriceCents', message: 'must be greater than startingPriceCents' });
  }
  return errors;
}

function fixedPriceErrors(t: PriceTerms, minPriceCents: number): FieldError[] {
  const errors: FieldError[] = [];
  if (t.buyNowPriceCents === null) errors.push({ field: 'buyNowPriceCents', message: 'is required for fixed-price listings' });
  else if (t.buyNowPriceCents < minPriceCents) errors.push({ field: 'buyNowPriceCents', message: `must be at least ${minPriceCents} cents` });
  if (t.reservePriceCents !== null) errors.push({ field: 'reservePriceCents', message: 'is not allowed on fixed-price listings' });
  if (t.startingPriceCents !== null && t.buyNowPriceCents !== null && t.startingPriceCents !== t.buyNowPriceCents) {
    errors.push({ field: 'startingPriceCents', message: 'must equal buyNowPriceCents on a fixed-price listing (or be omitted)' });
  }
  return errors;
}

/** The starting price to store: a fixed-price listing's only price is its buy-now price. */
export function storedStartingPrice(t: PriceTerms): number {
  const price = t.auctionType === 'fixed' ? t.buyNowPriceCents : t.startingPriceCents;
  if (price === null) throw new Error('storedStartingPrice called on terms that failed priceErrors');
  return price;
}

/**
 * Schedule rules, for drafts (endsAt optional) and at publish: a start in the past means "now"; the
 * start may be at most 30 days ahead; the auction lasts at least the minimum and at most 30 days.
 */
export function scheduleErrors(s: Schedule, now: Date, limits: ScheduleLimits): FieldError[] {
  const errors: FieldError[] = [];
  const start = s.startsAt && s.startsAt > now ? s.startsAt : now;
  if (start.getTime() - now.getTime() > MAX_SCHEDULE_AHEAD_SEC * 1000) {
    errors.push({ field: 'startsAt', message: 'must be at most 30 days from now' });
  }
  if (!s.endsAt) return errors;
  const durationMs = s.endsAt.getTime() - start.getTime();
  if (durationMs <= 0 || durationMs < limits.minDurationSec * 1000) {
    errors.push({ field: 'endsAt', message: `must be at least ${limits.minDurationSec} seconds after the start` });
  } else if (durationMs > MAX_DURATION_SEC * 1000) {
    errors.push({ field: 'endsAt', message: 'must be at most 30 days after the start' });
  }
  return errors;
}

export type PublishedSchedule = { status: Extract<ListingStatus, 'scheduled' | 'active'>; startsAt: Date; endsAt: Date };

/**
 * What publishing a draft makes of its schedule: active from now when the start is absent or past,
 * else scheduled. Auctions need an end; a fixed-price listing without one expires after 30 days.
 */
export function publishSchedule(
  s: Schedule,
  auctionType: AuctionType,
  now: Date,
  limits: ScheduleLimits,
): { ok: true; schedule: PublishedSchedule } | { ok: false; errors: FieldError[] } {
  const active = !s.startsAt || s.startsAt <= now;
  const startsAt = active ? now : s.startsAt!;
  const endsAt = s.endsAt ?? (auctionType === 'fixed' ? new Date(startsAt.getTime() + MAX_DURATION_SEC * 1000) : null);
  if (!endsAt) return { ok: false, errors: [{ field: 'endsAt', message: 'is required to publish an auction' }] };
  const errors = scheduleErrors({ startsAt, endsAt }, now, limits);
  if (errors.length) return { ok: false, errors };
  return { ok: true, schedule: { status: active ? 'active' : 'scheduled', startsAt, endsAt } };
}

/** True while the account is younger than the new-account threshold. */
export const isNewAccount = (createdAt: Date, now: Date): boolean => now.getTime() - createdAt.getTime() < NEW_ACCOUNT_AGE_SEC * 1000;
