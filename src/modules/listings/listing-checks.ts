import type { Kysely } from 'kysely';
import type { Trx } from '../../../db/connection';
import type { Database } from '../../../db/schema';
import type { Config } from '../../config/config';
import { forbidden, unauthorized, unprocessable, type FieldError } from '../../shared/errors';
import { isActiveCategory } from '../categories';
import { shareLockLiveAccount } from '../users';
import { listingsRepository, type SellerStanding } from './listings.repository';
import { priceErrors, scheduleErrors, type PriceTerms, type Schedule } from './listings.rules';

/** Throws unless the user may sell: a live account with a verified phone, not suspended. */
export async function assertSellerMayList(db: Kysely<Database>, userId: string): Promise<SellerStanding> {
  return assertMayList(await listingsRepository.findSeller(db, userId));
}

/**
 * The seller's account, share-locked to the commit (KEY SHARE, `shareLockLiveAccount`): a suspension or
 * deletion in flight (FOR UPDATE on the row) is waited for and its outcome read; one that comes later
 * waits for the caller's commit. Take it before the listing's row lock: a deletion locks the account,
 * then the listings, so taking them the other way round would deadlock with it. Check the answer with
 * `assertMayList` (after the listing's own checks, so a stranger still gets the listing's answer).
 */
export function shareLockSeller(trx: Trx, userId: string): Promise<SellerStanding | undefined> {
  return shareLockLiveAccount(trx, userId);
}

/** Throws unless `seller` (as read) may sell: a live account with a verified phone, not suspended. */
export function assertMayList(seller: SellerStanding | undefined): SellerStanding {
  if (!seller) throw unauthorized('account_not_found', 'This account no longer exists.');
  if (seller.suspendedAt) throw forbidden('account_suspended', 'Suspended accounts cannot list items.');
  if (!seller.phoneVerifiedAt) throw forbidden('phone_not_verified', 'Verify your phone number before listing items.');
  return seller;
}

/** The parts of a listing the rules look at; absent parts are not checked. */
export interface RuleSubject {
  category?: string;
  terms?: PriceTerms;
  schedule?: Schedule;
}

/** Throws one 422 naming every field that breaks a listing rule (category, prices, schedule). */
export async function assertListingRules(db: Kysely<Database>, config: Config, subject: RuleSubject, now: Date): Promise<void> {
  const errors: FieldError[] = [];
  if (subject.category !== undefined && !(await isActiveCategory(db, subject.category))) {
    errors.push({ field: 'category', message: `"${subject.category}" is not an active category (see GET /v1/categories)` });
  }
  if (subject.terms) errors.push(...priceErrors(subject.terms, config.fees.minPriceCents));
  if (subject.schedule) errors.push(...scheduleErrors(subject.schedule, now, { minDurationSec: config.timing.auctionMinDurationSec }));
  if (errors.length) throw unprocessable('listing_rules_violated', 'The listing breaks a listing rule.', { errors });
}

export const toDate = (iso: string | null | undefined): Date | null => (iso ? new Date(iso) : null);
