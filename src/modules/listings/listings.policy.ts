/** Who may see and change a listing, as plain predicates (no I/O). */
import type { Listing, ListingStatus } from '../../../db/schema';
import type { Actor } from '../../shared/context';
import { can } from '../../shared/permissions';
import { AppError, conflict, forbidden, notFound } from '../../shared/errors';
import { neverPublished } from '../auctions';

type Owned = Pick<Listing, 'sellerId' | 'status' | 'deletedAt' | 'eventSeq'>;

export const isSeller = (listing: Owned, actor: Actor | undefined): boolean => actor !== undefined && actor.userId === listing.sellerId;

/**
 * Soft-deleted listings are absent for everyone; drafts exist only for their seller (and moderators),
 * and so does a draft staff took down: cancelling it must not publish what its seller never did.
 */
export function canView(listing: Owned, actor: Actor | undefined): boolean {
  if (listing.deletedAt) return false;
  if (!neverPublished(listing)) return true;
  return isSeller(listing, actor) || (actor !== undefined && can(actor.role, 'listings:moderate'));
}

/** Throws unless `actor` is the seller: 404 when they cannot even see it, else 403. */
export function assertSeller(listing: Owned, actor: Actor | undefined): void {
  if (isSeller(listing, actor) && !listing.deletedAt) return;
  if (!canView(listing, actor)) throw notFound('listing');
  throw forbidden('not_listing_seller', 'Only the seller can change this listing.');
}

/** Fields a seller may change, by listing state. */
export const DRAFT_FIELDS = [
  'title',
  'description',
  'category',
  'condition',
  'auctionType',
  'startingPriceCents',
  'reservePriceCents',
  'buyNowPriceCents',
  'startsAt',
  'endsAt',
  'location',
] as const;
export type EditableField = (typeof DRAFT_FIELDS)[number];

/**
 * Once published the terms (category, type, prices, times) are fixed: bidders and watchers rely on
 * them, and the open/close jobs were scheduled from them — cancel and relist to change them. Until the
 * first bid the presentation may still change; after it only the description and the meeting location
 * (as on eBay, where a listing with bids can only be added to).
 */
const LIVE_FIELDS: readonly EditableField[] = ['title', 'description', 'condition', 'location'];
const LIVE_WITH_BIDS_FIELDS: readonly EditableField[] = ['description', 'location'];

const EDITABLE_STATES: readonly ListingStatus[] = ['draft', 'scheduled', 'active'];

/** Throws 409 unless `changed` may be changed on this listing now. */
export function assertEditable(listing: Pick<Listing, 'status' | 'bidCount'>, changed: EditableField[]): void {
  if (!EDITABLE_STATES.includes(listing.status)) {
    throw conflict('listing_not_editable', `A listing that is ${listing.status} cannot be changed.`);
  }
  if (listing.status === 'draft') return;
  const allowed = listing.bidCount > 0 ? LIVE_WITH_BIDS_FIELDS : LIVE_FIELDS;
  const locked = changed.filter((field) => !allowed.includes(field));
  if (locked.length === 0) return;
  const why = listing.bidCount > 0 ? 'cannot change once the listing has bids' : 'cannot change once the listing is published';
  throw new AppError('conflict', 'listing_terms_locked', `These fields are locked: ${locked.join(', ')}.`, {
    errors: locked.map((field) => ({ field, message: why })),
  });
}

/**
 * Once bidders have bid on what the description said, it may only grow (an update appended): a seller
 * who deletes "charger included" after the bids changes the deal under them.
 */
export function assertDescriptionGrows(listing: Pick<Listing, 'status' | 'bidCount' | 'description'>, next: string): void {
  if (listing.status === 'draft' || listing.bidCount === 0 || next.startsWith(listing.description)) return;
  throw new AppError('conflict', 'listing_terms_locked', 'Once the listing has bids its description can only be added to.', {
    errors: [{ field: 'description', message: 'can only be added to once the listing has bids: keep the current text and append' }],
  });
}

/** Images may be added while the listing can change, and removed only before the first bid. */
export function assertImagesEditable(listing: Pick<Listing, 'status' | 'bidCount'>, removing: boolean): void {
  assertEditable(listing, []);
  if (removing && listing.bidCount > 0) throw conflict('listing_terms_locked', 'Images cannot be removed once the listing has bids.');
}
