import type { Trx } from '../../../db/connection';
import type { Platform } from '../../shared/platform';
import { conflict, notFound } from '../../shared/errors';
import { pickupTokensRepository } from '../handover';
import type { Ctx } from '../../shared/context';
import { assertPartyRole, transactionsRepository } from '../transactions';
import { disputesRepository } from './disputes.repository';
import type { DisputeRow } from './disputes.presenter';
import { openDispute } from './open-dispute';
import type { DISPUTE_REASONS } from './disputes.schemas';

export interface PartyDisputeInput {
  reason: (typeof DISPUTE_REASONS)[number];
  details: string;
}

/**
 * POST /transactions/:id/dispute — the buyer or the seller freezes the escrow (SPEC §3): only while
 * `in_escrow` and before the pickup was verified (409 otherwise: `dispute_already_open` while one is open,
 * `dispute_decided` once decided but not yet settled). Decided under the transaction's row
 * lock, so it cannot interleave with a QR redemption; live pickup codes are voided with it. `beforeCommit`
 * runs last in that transaction, so what it writes (the caller's answer for a retry) commits with the dispute.
 */
export async function openPartyDispute(
  deps: Pick<Platform, 'db'>,
  ctx: Ctx,
  transactionId: string,
  input: PartyDisputeInput,
  beforeCommit?: (trx: Trx, dispute: DisputeRow) => Promise<void>,
): Promise<DisputeRow> {
  assertPartyRole(ctx.actor, await transactionsRepository.findById(deps.db, transactionId), 'party');
  return deps.db.transaction().execute(async (trx) => {
    const tx = await transactionsRepository.lockById(trx, transactionId);
    if (!tx) throw notFound('transaction');
    if (tx.status === 'disputed') {
      // Still `disputed` after the decision, until the money job settles it: say which case it is.
      if (await disputesRepository.openIdOf(trx, tx.id))
        throw conflict('dispute_already_open', 'A dispute is already open on this transaction.');
      throw conflict('dispute_decided', 'The dispute was decided; the money is being settled.');
    }
    if (tx.status !== 'in_escrow') {
      throw conflict(
        'transaction_not_in_escrow',
        `The transaction is ${tx.status}; disputes can be opened while the payment is held in escrow.`,
        { transactionStatus: tx.status },
      );
    }
    if (tx.verifiedAt) throw conflict('already_verified', 'The pickup was confirmed: this transaction can no longer be disputed here.');
    const dispute = await openDispute(trx, tx, {
      source: 'party',
      openedBy: ctx.actor.userId,
      reason: input.reason,
      details: input.details,
    });
    await pickupTokensRepository.voidLive(trx, tx.id);
    await beforeCommit?.(trx, dispute);
    return dispute;
  });
}
