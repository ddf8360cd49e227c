import type { Trx } from '../../../db/connection';
import type { Transaction } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import { sha256 } from '../../shared/crypto';
import { notFound, unprocessable } from '../../shared/errors';
import { writeOutbox } from '../../shared/outbox';
import { userRoom } from '../../shared/rooms';
import { transactionRoom } from '../../shared/rooms';
import { releaseJob } from '../../shared/jobs/money-jobs';
import { recordTransactionEvent, assertPartyRole, transactionsRepository } from '../transactions';
import type { Ctx } from '../../shared/context';
import { assertAwaitingHandover, assertNotVerified } from './handover.policy';
import { pickupTokensRepository } from './pickup-tokens.repository';
import { recordHandoverPosition, type ScanPosition } from '../meetups';

/**
 * POST /transactions/:id/verify — the seller scans the buyer's code. Under the transaction's row lock:
 * the state must allow a handover (409), the token is consumed by ONE conditional UPDATE (422 for any
 * token that is not live for this transaction), then `verified_at` is set, the timeline records it and
 * the release job is written to the outbox — all in one commit, so two scans of the same code yield
 * one success (the other finds the token used: 422) and one release job. `beforeCommit` runs last in
 * that transaction, so what it writes (the caller's answer for a retry) commits with the scan or not at all.
 */
export async function verifyPickup(
  deps: Pick<Platform, 'db'>,
  ctx: Ctx,
  transactionId: string,
  token: string,
  position?: ScanPosition,
  beforeCommit?: (trx: Trx, verified: Transaction) => Promise<void>,
): Promise<Transaction> {
  assertPartyRole(ctx.actor, await transactionsRepository.findById(deps.db, transactionId), 'seller');
  return deps.db.transaction().execute(async (trx) => {
    const tx = await transactionsRepository.lockById(trx, transactionId);
    if (!tx) throw notFound('transaction');
    assertAwaitingHandover(tx, (await transactionsRepository.openDispute(trx, tx.id)) !== undefined);
    const used = await pickupTokensRepository.consume(trx, { tokenHash: sha256(token), transactionId: tx.id, buyerId: tx.buyerId });
    if (!used) {
      throw unprocessable(
        'invalid_pickup_token',
        'This pickup code is not valid: it may be expired, already used, replaced by a newer one, or for another transaction.',
        {
          errors: [{ field: 'token', message: 'not a live pickup code for this transaction' }],
        },
      );
    }
    assertNotVerified(tx);
    const verified = await transactionsRepository.markVerified(trx, tx.id);
    await recordTransactionEvent(trx, tx.id, 'pickup_verified', { pickupTokenId: used.id }, ctx.actor.userId);
    await recordHandoverPosition(trx, verified, position, ctx.actor.userId);
    const update = { transactionId: tx.id, status: verified.status, verifiedAt: verified.verifiedAt!.toISOString() };
    await writeOutbox(trx, [
      releaseJob(tx.id, 'qr_verified'),
      {
        kind: 'event',
        rooms: [transactionRoom(tx.id), userRoom(tx.buyerId), userRoom(tx.sellerId)],
        event: 'transaction_update',
        data: update,
      },
    ]);
    await beforeCommit?.(trx, verified);
    return verified;
  });
}
