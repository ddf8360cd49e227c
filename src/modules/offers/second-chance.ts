import type { Listing, SecondChanceOffer, Transaction } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import type { Ctx } from '../../shared/context';
import { conflict, forbidden, notFound } from '../../shared/errors';
import { notificationJob } from '../../shared/jobs';
import { writeOutbox } from '../../shared/outbox';
import { lockListing, lockLiveListing, setSecondChanceWinner } from '../auctions';
import { assertSellerMayList, liveRelistOf } from '../listings';
import { createSales, latestSaleOfListing, transactionCreatedMessages } from '../transactions';
import { findUserById, lockAccount, shareLockLiveAccount, strikeStanding } from '../users';
import { offerExpiryJob } from './offer-jobs';
import { offersRepository } from './offers.repository';

/** eBay's second-chance window: the runner-up has 48 hours to accept (SPEC §9). */
export const SECOND_CHANCE_WINDOW_SEC = 48 * 3600;

type OfferDeps = Pick<Platform, 'db' | 'config'>;

/** The listing as its seller acts on it: 404 for anyone who cannot see it, 403 for anyone else. */
function assertListingSeller(listing: Listing | undefined, ctx: Ctx): Listing {
  if (!listing || listing.deletedAt || (listing.status === 'draft' && listing.sellerId !== ctx.actor.userId)) throw notFound('listing');
  if (listing.sellerId !== ctx.actor.userId) throw forbidden('not_listing_seller', 'Only the seller can make a second-chance offer.');
  return listing;
}

/**
 * `POST /v1/listings/:id/second-chance` (SPEC §9): after the buyer did not pay, the seller offers the
 * item to the runner-up at the runner-up's own maximum, open 48 hours. One offer per unpaid sale (409
 * `offer_exists`), none once the item was relisted (409 `already_relisted`); decided under the
 * listing's row lock like every other command on it (a relist takes the same lock). Offering is
 * selling: a suspended seller is refused as when listing (403 `account_suspended`).
 */
export async function makeSecondChanceOffer(deps: OfferDeps, ctx: Ctx, listingId: string): Promise<SecondChanceOffer> {
  return deps.db.transaction().execute(async (trx) => {
    // The seller's account row first, in the order account deletion takes it and then the listings:
    // an offer and the deletion of its seller are decided one after the other (no deadlock), so the
    // deletion sees the pending offer and refuses, or the offer finds the listing deleted (404).
    await lockAccount(trx, ctx.actor.userId);
    const listing = assertListingSeller(await lockListing(trx, listingId), ctx);
    await assertSellerMayList(trx, ctx.actor.userId);
    const sale = await latestSaleOfListing(trx, listing.id);
    if (sale?.status !== 'cancelled' || sale.cancelReason !== 'payment_deadline') {
      throw conflict('not_offerable', 'A second-chance offer follows only a sale whose buyer did not pay.');
    }
    // Relisting and offering are alternatives: a relisted item offered as well could be sold twice.
    const relist = await liveRelistOf(trx, listing.id);
    if (relist)
      throw conflict('already_relisted', 'This item was relisted: it cannot be offered to the runner-up as well.', {
        listingId: relist.id,
      });
    const runnerUp = await offersRepository.runnerUp(trx, listing.id);
    if (!runnerUp) throw conflict('no_runner_up', 'No other bidder can be offered this item.');
    const offer = await offersRepository.insert(
      trx,
      {
        listingId: listing.id,
        unpaidTransactionId: sale.id,
        sellerId: listing.sellerId,
        bidderId: runnerUp.bidderId,
        amountCents: runnerUp.maxAmountCents,
      },
      SECOND_CHANCE_WINDOW_SEC,
    );
    if (!offer) throw conflict('offer_exists', 'This unpaid sale already has a second-chance offer.');
    await writeOutbox(trx, [
      offerExpiryJob(offer),
      notificationJob({
        userId: offer.bidderId,
        type: 'second_chance_offer',
        dedupeKey: `second-chance-${offer.id}`,
        text: {
          key: 'second_chance_offer',
          params: { listingTitle: listing.title, amountCents: offer.amountCents, windowSec: SECOND_CHANCE_WINDOW_SEC },
        },
        data: { offerId: offer.id, listingId: listing.id, amountCents: offer.amountCents, expiresAt: offer.expiresAt.toISOString() },
      }),
    ]);
    return offer;
  });
}

/** Only the runner-up answers an offer: the seller is told 403, anyone else sees nothing (404). */
function assertRecipient(offer: SecondChanceOffer | undefined, ctx: Ctx): SecondChanceOffer {
  if (!offer) throw notFound('offer');
  if (offer.bidderId === ctx.actor.userId) return offer;
  if (offer.sellerId === ctx.actor.userId) throw forbidden('not_offer_recipient', 'Only the bidder offered the item can answer.');
  throw notFound('offer');
}

const offerExpired = () => conflict('offer_expired', 'The 48 hours to accept this offer are over.');

function assertOpen(offer: SecondChanceOffer & { lapsed: boolean }): void {
  if (offer.status !== 'pending') throw conflict('offer_not_pending', `This offer was already ${offer.status}.`);
  if (offer.lapsed) throw offerExpired();
}

/**
 * `POST /v1/offers/:id/accept`: the runner-up buys at the offered price — a new `pending_payment`
 * transaction, payable like a won auction (reminder and deadline jobs), and the runner-up becomes the
 * listing's winner. The partial unique index keeps it the listing's only live sale.
 *
 * An offer whose listing or seller was deleted is absent (404, SPEC §4): a deletion is refused while
 * an offer is pending, so only an offer left from before that rule gets here. A seller suspended
 * since the offer does not stop it: like the suspended seller's live auctions, which still close into
 * sales, an item already promised is still sold (suspension stops new listings and offers).
 */
export async function acceptOffer(
  deps: OfferDeps,
  ctx: Ctx,
  offerId: string,
): Promise<{ offer: SecondChanceOffer; transaction: Transaction }> {
  return deps.db.transaction().execute(async (trx) => {
    const locked = await offersRepository.lock(trx, offerId);
    assertRecipient(locked, ctx);
    assertOpen(locked!);
    const offer = locked!;
    // Accepting is buying (SPEC §2, §9): a runner-up suspended since the offer may not. Read under
    // the row's share lock, so a suspension (or deletion) in flight is waited for, not read past.
    const buyer = await shareLockLiveAccount(trx, offer.bidderId);
    if (!buyer || buyer.suspendedAt) throw forbidden('bidder_not_allowed', 'Your account cannot buy right now.');
    if ((await strikeStanding(trx, offer.bidderId)).biddingSuspendedUntil) {
      throw forbidden('bidding_suspended', 'Two unpaid purchases within 90 days: you cannot buy for now.');
    }
    const listing = await lockLiveListing(trx, offer.listingId);
    if (!listing || !(await findUserById(trx, offer.sellerId))) throw notFound('offer');
    // A relist is refused while the offer can be accepted, so one made meanwhile (read under the listing
    // lock the relist took) found it lapsed: this accept began in time but the item is relisted.
    if (await liveRelistOf(trx, listing.id)) throw offerExpired();
    const sale = (
      await createSales(trx, deps.config, [
        {
          listingId: listing.id,
          buyerId: offer.bidderId,
          sellerId: offer.sellerId,
          priceCents: offer.amountCents,
          source: 'second_chance',
        },
      ])
    ).get(listing.id)!;
    await setSecondChanceWinner(trx, listing.id, offer.bidderId);
    const decided = await offersRepository.decide(trx, offer.id, 'accepted', sale.id);
    await writeOutbox(trx, [
      ...transactionCreatedMessages(sale, listing.title),
      notificationJob({
        userId: offer.sellerId,
        type: 'sold',
        dedupeKey: `second-chance-${offer.id}-accepted`,
        text: { key: 'sold', params: { listingTitle: listing.title, priceCents: offer.amountCents } },
        data: { offerId: offer.id, listingId: listing.id, transactionId: sale.id, priceCents: offer.amountCents },
      }),
    ]);
    return { offer: decided, transaction: sale };
  });
}

/** The seller hears that the offer came to nothing (declined or expired). */
function declinedNotice(offer: SecondChanceOffer, how: 'declined' | 'expired') {
  return notificationJob({
    userId: offer.sellerId,
    type: 'second_chance_declined',
    dedupeKey: `second-chance-${offer.id}-${how}`,
    text: { key: 'second_chance_declined', params: { how } },
    data: { offerId: offer.id, listingId: offer.listingId },
  });
}

/** `POST /v1/offers/:id/decline`: the runner-up says no; nothing is sold and the seller is told. */
export async function declineOffer(deps: Pick<Platform, 'db'>, ctx: Ctx, offerId: string): Promise<SecondChanceOffer> {
  return deps.db.transaction().execute(async (trx) => {
    const locked = await offersRepository.lock(trx, offerId);
    assertRecipient(locked, ctx);
    assertOpen(locked!);
    const decided = await offersRepository.decide(trx, offerId, 'declined');
    await writeOutbox(trx, [declinedNotice(decided, 'declined')]);
    return decided;
  });
}

export type ExpiryOutcome = 'expired' | 'not_pending' | 'not_due';

/**
 * `offer.expire`: an offer still pending at the end of its window expires and the seller is told.
 * Idempotent: decided under the row lock, only from `pending`; an early run changes nothing.
 */
export async function expireOffer(deps: Pick<Platform, 'db'>, offerId: string): Promise<ExpiryOutcome> {
  return deps.db.transaction().execute(async (trx) => {
    const offer = await offersRepository.lock(trx, offerId);
    if (!offer || offer.status !== 'pending') return 'not_pending';
    if (!offer.lapsed) return 'not_due';
    const decided = await offersRepository.decide(trx, offerId, 'expired');
    await writeOutbox(trx, [declinedNotice(decided, 'expired')]);
    return 'expired';
  });
}
