import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import type { Config } from '../../config/config';
import { forbidden, unauthorized, unprocessable, type FieldError } from '../../shared/errors';
import { isActiveCategory } from '../categories';
import { listingsRepository, type SellerStanding } from './listings.repository';
import { priceErrors, scheduleErrors, type PriceTerms, type Schedule } from './listings.rules';

/** Throws unless the user may sell: a live account with a verified phone, not suspended. */
export async function assertSellerMayList(db: Kysely<Database>, userId: string): Promise<SellerStanding> {
  const seller = await listingsRepository.findSeller(db, userId);
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
