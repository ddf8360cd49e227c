import type { Trx } from '../../../db/connection';
import type { DisputeResolution, Transaction } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import { conflict, forbidden, notFound, unprocessable } from '../../shared/errors';
import { writeOutbox, type OutboxMessage } from '../../shared/outbox';
import { can } from '../../shared/permissions';
import { recordAudit } from '../audit';
import { userRoom } from '../../shared/rooms';
import { STAFF_ROOM, transactionRoom } from '../../shared/rooms';
import { refundJob, releaseJob } from '../../shared/jobs/money-jobs';
import { notificationJob } from '../../shared/jobs';
import { recordTransactionEvent, isParty, transactionsRepository } from '../transactions';
import type { Ctx } from '../../shared/context';
import { assertPartialRefund } from './partial-refund';
import { disputesRepository } from './disputes.repository';
import type { DisputeRow } from './disputes.presenter';
import { assertDisputeTransition } from './disputes.state';

export interface ResolveInput {
  resolution: DisputeResolution;
  amountCents?: number;
  note: string;
}

/** What the buyer gets back (null for a release); 422 naming `amountCents` when the amount breaks SPEC §1. */
function refundFor(tx: Transaction, input: ResolveInput): number | null {
  if (input.resolution !== 'partial_refund' && input.amountCents !== undefined) {
    throw unprocessable('amount_not_allowed', 'amountCents is only for a partial refund.', {
      errors: [{ field: 'amountCents', message: 'only with partial_refund' }],
    });
  }
  if (input.resolution === 'release') return null;
  if (input.resolution === 'refund') return tx.amountCents - tx.refundedCents;
  assertPartialRefund(tx, input.amountCents);
  return input.amountCents!;
}

/** The money job the decision implies: the workers move the money and set the final status. */
function moneyJob(tx: Transaction, dispute: DisputeRow, refund: number | null) {
  return refund === null ? releaseJob(tx.id, 'dispute_resolved', dispute.id) : refundJob(tx.id, refund, dispute.id);
}

function resolvedNotifications(tx: Transaction, dispute: DisputeRow, refund: number | null): OutboxMessage[] {
  const resolution: DisputeResolution = dispute.resolution ?? 'release';
  return (['buyer', 'seller'] as const).map((side) => {
    const userId = side === 'buyer' ? tx.buyerId : tx.sellerId;
    return notificationJob({
      userId,
      type: 'dispute_resolved',
      dedupeKey: `dispute-resolved-${dispute.id}-${userId}`,
      text: { key: 'dispute_resolved', params: { resolution, side, refundCents: refund } },
      data: { transactionId: tx.id, disputeId: dispute.id, resolution: dispute.resolution, refundCents: refund },
    });
  });
}

/**
 * POST /admin/disputes/:id/resolve — staff decide: release, full refund or partial refund. Under the
 * transaction's and the dispute's row locks (in that order, as everywhere): staff who are a party to
 * the transaction may not decide it (403); the dispute must be open (409); the amount must respect
 * SPEC §1 (422). The decision, the money job, the timeline, the notifications and the audit row commit
 * together, with what `beforeCommit` writes last in that transaction (the caller's answer for a retry).
 */
export async function resolveDispute(
  deps: Pick<Platform, 'db'>,
  ctx: Ctx,
  disputeId: string,
  input: ResolveInput,
  beforeCommit?: (trx: Trx, resolved: DisputeRow) => Promise<void>,
): Promise<DisputeRow> {
  if (!can(ctx.actor.role, 'disputes:resolve')) throw forbidden('missing_permission', 'You may not resolve disputes.');
  const found = await disputesRepository.findById(deps.db, disputeId);
  if (!found) throw notFound('dispute');
  return deps.db.transaction().execute(async (trx) => {
    const tx = await transactionsRepository.lockById(trx, found.transactionId);
    const dispute = await disputesRepository.lockById(trx, disputeId);
    if (!tx || !dispute) throw notFound('dispute');
    if (isParty(ctx.actor, tx))
      throw forbidden('party_cannot_resolve', 'You are a party to this transaction: another staff member must decide it.');
    assertDisputeTransition(dispute.status, 'resolved');
    if (dispute.source === 'chargeback') {
      throw conflict('chargeback_dispute', "A chargeback is decided by the card issuer; its outcome arrives through Stripe's webhooks.");
    }
    if (tx.status !== 'disputed')
      throw conflict('invalid_transaction_state', `The transaction is ${tx.status}, not disputed.`, { transactionStatus: tx.status });
    const refund = refundFor(tx, input);
    // A chargeback absorbed by this dispute left funds with the card network (undecided, or lost and not
    // yet settled): the buyer has (or may get) them back that way, so a decision refunding less — a release,
    // a smaller partial refund — would pay the seller money we no longer hold. The refund settles against it.
    const held = await transactionsRepository.chargebackHeldCents(trx, tx.id);
    if (held > 0 && (refund ?? 0) < held) {
      throw conflict(
        'chargeback_funds_held',
        `The card issuer holds ${held} cents of this sale for a chargeback: the decision must refund at least that much.`,
        { transactionStatus: tx.status, chargebackHeldCents: held },
      );
    }
    const resolved = await disputesRepository.markResolved(trx, dispute.id, {
      resolution: input.resolution,
      refundCents: refund,
      note: input.note,
      resolvedBy: ctx.actor.userId,
    });
    const facts = { disputeId: dispute.id, resolution: input.resolution, refundCents: refund };
    await recordTransactionEvent(trx, tx.id, 'dispute_resolved', { ...facts, note: input.note }, ctx.actor.userId);
    await recordAudit(trx, {
      actorId: ctx.actor.userId,
      action: 'dispute.resolved',
      targetType: 'dispute',
      targetId: dispute.id,
      details: { ...facts, transactionId: tx.id, note: input.note },
      requestId: ctx.requestId,
    });
    await writeOutbox(trx, [
      moneyJob(tx, resolved, refund),
      {
        kind: 'event',
        rooms: [transactionRoom(tx.id), userRoom(tx.buyerId), userRoom(tx.sellerId), STAFF_ROOM],
        event: 'transaction_update',
        data: { transactionId: tx.id, status: tx.status, dispute: { id: dispute.id, status: 'resolved', resolution: input.resolution } },
      },
      ...resolvedNotifications(tx, resolved, refund),
    ]);
    await beforeCommit?.(trx, resolved);
    return resolved;
  });
}
