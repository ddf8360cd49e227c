import type { Trx } from '../../db/connection';
import type { User } from '../../db/schema';
import { endSessions, openSession, revokeEverySession, writeSessionsEnd, type SessionRevocations } from '../modules/auth';
import { bidderHasLiveBid, bidsOfBidder } from '../modules/bidding';
import { chatPhotoKeysOf, ERASED_MESSAGE, eraseMessagesBySender, messagesBySender } from '../modules/chat';
import { disputesOpenedBy, presentDispute } from '../modules/disputes';
import {
  eraseListingsContentOf,
  eraseWatchesOf,
  restoreSellerListings,
  sellerHasLiveAuctionWithBids,
  sellerListingsForExport,
  softDeleteSellerListings,
  watchesOfUser,
} from '../modules/listings';
import { meetupsProposedBy } from '../modules/meetups';
import { deleteDevicesOf, deleteNotificationDataOf, devicesOfUser, eraseMessagePreviews, notificationsOfUser, preferencesOf } from '../modules/notifications';
import { presentOffer, secondChanceOffersOf, sellerHasPendingOffer } from '../modules/offers';
import { eraseRatingCommentsBy, ratingsOfUser } from '../modules/ratings';
import { hasOpenTransaction, transactionsOfParty, transactionsRepository } from '../modules/transactions';
import {
  anonymizeAccount,
  claimAccountsDueForPurge,
  deleteLapsedPhoneStandings,
  findUserIncludingDeleted,
  keepStandingOfPurgedAccount,
  lockAccount,
  phoneStandingKey,
  phoneTakenByLiveAccount,
  presentSelf,
  restoreCutoff,
  softDeleteAccount,
  undeleteAccount,
  eraseFollowsOf,
  followsOf,
} from '../modules/users';
import type { Actor } from '../shared/context';
import { conflict, notFound } from '../shared/errors';
import { STORAGE_DELETE_BATCH_MAX } from '../shared/jobs';
import { jobFor, writeOutbox } from '../shared/outbox';
import type { Platform } from '../shared/platform';

/**
 * Account deletion, restore, purge and export (SPEC §4, §9). A flow because it spans the account
 * (users), its sessions (auth), its listings, its sales (transactions) and its personal records in
 * chat, ratings, bidding and notifications.
 */

type SessionDeps = Pick<Platform, 'db' | 'redis' | 'config'> & { revocations: SessionRevocations };

/**
 * Refuses the deletion, naming the first obligation still open (SPEC §9). A standing bid on a live
 * auction counts too (SPEC §2: deleted users cannot bid): the stored maximum would keep outbidding
 * others and could win a sale nobody can pay. So does a second-chance offer still open: the runner-up
 * may accept it until it expires, which would be a sale nobody can deliver (the seller cannot
 * withdraw it, as they cannot cancel an auction with bids; it is answered or lapses within 48 h).
 */
async function refuseWhileObligationsOpen(trx: Trx, userId: string): Promise<void> {
  const refuse = (obligation: string, detail: string) =>
    conflict('account_has_open_obligations', `${detail} Settle it first.`, { obligation });
  if (await hasOpenTransaction(trx, userId)) {
    throw refuse('open_transaction', 'The account has a sale awaiting payment, in escrow or disputed.');
  }
  if (await sellerHasLiveAuctionWithBids(trx, userId))
    throw refuse('live_auction_with_bids', 'The account sells a live auction that has bids.');
  if (await bidderHasLiveBid(trx, userId)) throw refuse('live_bid', 'The account has a bid standing on a live auction.');
  if (await sellerHasPendingOffer(trx, userId)) {
    throw refuse('second_chance_offer', 'The account offered an item to a runner-up who may still accept it.');
  }
}

/**
 * DELETE /users/me: soft-deletes the account and its listings in one transaction (the listings carry
 * the account's deletion time, which is how a restore finds them), refused while the user still owes
 * or is owed something, and unregisters its push devices; then ends every session and socket of the user at once.
 * The sessions to end are read in the transaction and also written to the outbox with it: a process
 * dying between the commit and the revocation would otherwise leave their access tokens valid for up
 * to 15 minutes.
 */
export async function deleteAccount(deps: SessionDeps, actor: Actor): Promise<void> {
  const sessionIds = await deps.db.transaction().execute(async (trx) => {
    // The account row lock serializes a deletion with another deletion or a restore of the same account.
    const user = await lockAccount(trx, actor.userId);
    if (!user || user.deletedAt) throw notFound('user');
    await refuseWhileObligationsOpen(trx, user.id);
    const deletedAt = await softDeleteAccount(trx, user.id);
    if (!deletedAt) throw notFound('user');
    await softDeleteSellerListings(trx, user.id, deletedAt);
    // Every session ends, so every phone is signed out as at logout: its push tokens go with it (a
    // restore must not push to phones the deletion signed out; a push in flight finds them gone).
    await deleteDevicesOf(trx, user.id);
    // Read under the account lock, which a sign-in takes first: every session opened before is here, one
    // opened after the commit is the restore-only kind, which must live on.
    return writeSessionsEnd(trx, user.id, ACCOUNT_DELETED);
  });
  // At once rather than when a worker gets to the job (which repeats it, harmlessly).
  await endSessions(deps, sessionIds, ACCOUNT_DELETED);
}

/** What the sockets of a deleted account's sessions are told. */
const ACCOUNT_DELETED = 'This account has been deleted.';

/**
 * POST /users/me/restore: within the restore window, the account and the listings deleted with it come
 * back (ratings and history never left). The restore-only session ends and an ordinary one is opened.
 */
export async function restoreAccount(deps: SessionDeps & Pick<Platform, 'clock'>, actor: Actor) {
  const restored = await deps.db.transaction().execute(async (trx): Promise<User> => {
    const user = await lockAccount(trx, actor.userId);
    if (!user || user.purgedAt) throw notFound('user');
    if (!user.deletedAt) throw conflict('account_not_deleted', 'This account is not deleted.');
    if (user.deletedAt <= restoreCutoff(deps.clock.now())) throw notFound('user');
    if (await phoneTakenByLiveAccount(trx, user.phoneNumber, user.id)) throw notFound('user');
    const deletedAt = user.deletedAt;
    const back = await undeleteAccount(trx, user.id);
    if (!back) throw notFound('user');
    await restoreSellerListings(trx, user.id, deletedAt);
    return back;
  });
  // Ends the restore-only session (and any other) before the ordinary one is opened.
  await revokeEverySession(deps, restored.id, 'The account was restored; this session has ended.');
  return openSession(deps, restored);
}

/** Accounts purged per database transaction: each batch commits on its own, so a crash loses no finished work. */
export const PURGE_BATCH_SIZE = 100;

/**
 * The purge job (SPEC §9): accounts deleted more than 30 days before `now` lose their personal data
 * (phone, name, e-mail, avatar, devices, notifications, chat text and photos, the comments of its ratings,
 * watches, and its listings' photos, descriptions and locations). Transactions and ledger entries stay,
 * pointing at the anonymized row, and so do its listings with their titles, prices and dates (what a
 * buyer's purchase history and the sale record name). Stored photos are deleted by jobs after the
 * commit. Idempotent (`purged_at`), batched, and safe to run on several workers at once (claimed rows
 * are skipped by the others). For fraud prevention only, the strikes still inside
 * their window and a suspension are kept under a keyed hash of the phone (never the number), for a new
 * account on that phone to inherit (users/phone-standings.repository.ts); nothing else of the account.
 */
export async function purgeDeletedAccounts(
  deps: Pick<Platform, 'db' | 'config'>,
  now: Date,
  batchSize = PURGE_BATCH_SIZE,
): Promise<{ purged: number }> {
  const deletedBefore = restoreCutoff(now);
  let purged = 0;
  for (;;) {
    const count = await deps.db.transaction().execute(async (trx) => {
      const ids = await claimAccountsDueForPurge(trx, deletedBefore, batchSize);
      // Chat photos and listing photos alike: storage keys of objects to delete once the batch commits.
      const photoKeys: string[] = [];
      for (const id of ids) {
        const { phoneNumber } = (await findUserIncludingDeleted(trx, id))!;
        // A live account on the phone signed up after the restore window and already took this one's
        // standing over (inheritPhoneStanding): keeping it again would bring back what staff lifted since.
        if (!(await phoneTakenByLiveAccount(trx, phoneNumber, id))) {
          await keepStandingOfPurgedAccount(trx, id, phoneStandingKey(deps.config.auth.jwtSecret, phoneNumber));
        }
        await deleteNotificationDataOf(trx, id);
        const sent = await messagesBySender(trx, id);
        photoKeys.push(...chatPhotoKeysOf(sent));
        await erasePreviewsOfMessages(trx, id, sent);
        await eraseMessagesBySender(trx, id);
        await eraseRatingCommentsBy(trx, id);
        await eraseFollowsOf(trx, id);
        await eraseWatchesOf(trx, id);
        photoKeys.push(...(await eraseListingsContentOf(trx, id)));
        await anonymizeAccount(trx, id, now);
      }
      // The photos are removed from storage after the commit (a network call), by as many jobs as it takes.
      await writeOutbox(trx, chunked(photoKeys, STORAGE_DELETE_BATCH_MAX).map((keys) => jobFor('storage.delete_objects', { keys })));
      return ids.length;
    });
    purged += count;
    if (count < batchSize) {
      // Records whose strikes have all aged out of their window, of accounts never suspended, protect nothing.
      await deleteLapsedPhoneStandings(deps.db);
      return { purged };
    }
  }
}

function chunked<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * The chat text of a purged account also lives on in the other parties' `new_message` notifications,
 * as their preview: it goes with the messages.
 */
async function erasePreviewsOfMessages(trx: Trx, senderId: string, sent: Array<{ id: string; transactionId: string }>): Promise<void> {
  if (sent.length === 0) return;
  const recipients = new Set<string>();
  for (const transactionId of new Set(sent.map((m) => m.transactionId))) {
    const parties = await transactionsRepository.parties(trx, transactionId);
    if (parties) for (const userId of [parties.buyerId, parties.sellerId]) if (userId !== senderId) recipients.add(userId);
  }
  await eraseMessagePreviews(trx, [...recipients], sent.map((m) => m.id), ERASED_MESSAGE);
}

/**
 * GET /users/me/export: every personal record of the caller (a privacy access request), their own only:
 * what they wrote or chose (disputes they opened, meetups they proposed, watches, preferences) as well
 * as what they did (bids, sales, offers made or received).
 */
export async function exportAccount(deps: Pick<Platform, 'db' | 'clock'>, actor: Actor) {
  const user = await findUserIncludingDeleted(deps.db, actor.userId);
  if (!user || user.purgedAt) throw notFound('user');
  const [listings, bids, transactions, messages, ratings, notifications, devices, following] = await Promise.all([
    sellerListingsForExport(deps.db, user.id, user.deletedAt),
    bidsOfBidder(deps.db, user.id),
    transactionsOfParty(deps.db, user.id),
    messagesBySender(deps.db, user.id),
    ratingsOfUser(deps.db, user.id),
    notificationsOfUser(deps.db, user.id),
    devicesOfUser(deps.db, user.id),
    followsOf(deps.db, user.id),
  ]);
  const [watchlist, disputes, notificationPreferences, meetups, offers] = await Promise.all([
    watchesOfUser(deps.db, user.id),
    disputesOpenedBy(deps.db, user.id),
    preferencesOf(deps.db, user.id),
    meetupsProposedBy(deps.db, user.id),
    secondChanceOffersOf(deps.db, user.id),
  ]);
  return {
    exportedAt: deps.clock.now().toISOString(),
    profile: {
      ...presentSelf(user),
      phoneVerifiedAt: user.phoneVerifiedAt?.toISOString() ?? null,
      nonPaymentStrikes: user.nonPaymentStrikes,
    },
    listings,
    bids,
    transactions,
    messages,
    ratings,
    notifications,
    devices,
    following: following.map((f) => ({ sellerId: f.sellerId, followedAt: f.followedAt.toISOString() })),
    watchlist: watchlist.map((w) => ({ listingId: w.listingId, watchedAt: w.createdAt.toISOString() })),
    disputes: disputes.map(presentDispute),
    notificationPreferences,
    meetups,
    secondChanceOffers: offers.map(presentOffer),
  };
}
