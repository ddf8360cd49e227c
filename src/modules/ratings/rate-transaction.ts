import type { Platform } from '../../shared/platform';
import { conflict } from '../../shared/errors';
import { notificationJob } from '../../shared/jobs';
import { writeOutbox } from '../../shared/outbox';
import type { Ctx } from '../../shared/context';
import { assertPartyRole, isBuyer, transactionsRepository } from '../transactions';
import { isLiveUser } from '../users';
import { ratingsRepository, type RatingRow } from './ratings.repository';

/** A rating as anyone sees it. */
export const presentRating = (r: RatingRow) => ({
  id: r.id,
  transactionId: r.transactionId,
  raterId: r.raterId,
  rateeId: r.rateeId,
  score: r.score,
  comment: r.comment,
  createdAt: r.createdAt.toISOString(),
});

/**
 * POST /transactions/:id/rating — after the release, each party rates the other once (SPEC §3), while
 * the other's account exists (409 `party_account_deleted`). The
 * unique (transaction, rater) index makes a concurrent double submit answer 409 `already_rated`. The
 * rated user is notified (`rating_received`).
 */
export async function rateTransaction(deps: Pick<Platform, 'db'>, ctx: Ctx, transactionId: string, input: { score: number; comment?: string }) {
  const tx = await transactionsRepository.findById(deps.db, transactionId);
  assertPartyRole(ctx.actor, tx, 'party');
  // Released, or released for the rest after a partial refund: either way the seller was paid.
  if (tx.status !== 'released' && tx.status !== 'partially_refunded')
    throw conflict('transaction_not_released', `The transaction is ${tx.status}; ratings open once the payment is released.`, {
      transactionStatus: tx.status,
    });
  const rateeId = isBuyer(ctx.actor, tx) ? tx.sellerId : tx.buyerId;
  // A deleted account is gone for everyone (SPEC §4): no rating, no notice it would never read.
  if (!(await isLiveUser(deps.db, rateeId))) throw conflict('party_account_deleted', 'The other party deleted their account: it can no longer be rated.');
  const comment = input.comment ? input.comment : null;
  // The rating and the rated user's notification commit together (or neither does).
  const row = await deps.db.transaction().execute(async (trx) => {
    const inserted = await ratingsRepository.insertOnce(trx, { transactionId: tx.id, raterId: ctx.actor.userId, rateeId, score: input.score, comment });
    if (!inserted) return undefined;
    await writeOutbox(trx, [
      notificationJob({
        userId: rateeId,
        type: 'rating_received',
        dedupeKey: `rating-received-${inserted.id}`,
        text: { key: 'rating_received', params: { score: inserted.score, hasComment: inserted.comment !== null } },
        data: { transactionId: tx.id, ratingId: inserted.id, score: inserted.score },
      }),
    ]);
    return inserted;
  });
  if (!row) throw conflict('already_rated', 'You already rated this transaction.');
  return presentRating(row);
}
