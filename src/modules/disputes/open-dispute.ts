import type { Trx } from '../../../db/connection';
import type { Transaction } from '../../../db/schema';
import { writeOutbox } from '../../shared/outbox';
import { disputesRepository } from './disputes.repository';
import { STAFF_ROOM, transactionRoom, userRoom } from '../../shared/rooms';
import { notificationJob } from '../../shared/jobs';
import { assertTransition, recordTransactionEvent, transactionsRepository } from '../transactions';

export interface OpenDisputeInput {
  source: 'party' | 'chargeback' | 'escalation';
  openedBy: string | null;
  reason: string;
  details: string;
  stripeDisputeId?: string;
}

/**
 * Opens a dispute on a transaction the caller has locked (`SELECT … FOR UPDATE`): funds freeze
 * (status `disputed`), the timeline records it, both parties are notified. Parties may open only
 * while `in_escrow` (the route checks `verifiedAt`); a chargeback may also hit a released one.
 * Returns the open dispute (an existing open one if there is already one).
 */
export async function openDispute(trx: Trx, tx: Transaction, input: OpenDisputeInput) {
  const existing = await disputesRepository.openOf(trx, tx.id);
  if (existing) return existing;
  assertTransition(tx.status, 'disputed');
  const dispute = await disputesRepository.insert(trx, {
    transactionId: tx.id,
    source: input.source,
    openedBy: input.openedBy,
    reason: input.reason,
    details: input.details,
    stripeDisputeId: input.stripeDisputeId ?? null,
  });
  await transactionsRepository.markDisputed(trx, tx.id);
  await recordTransactionEvent(trx, tx.id, 'dispute_opened', { disputeId: dispute.id, source: input.source, reason: input.reason }, input.openedBy);
  await writeOutbox(trx, [
    { kind: 'event', rooms: [transactionRoom(tx.id), userRoom(tx.buyerId), userRoom(tx.sellerId), STAFF_ROOM], event: 'transaction_update', data: { transactionId: tx.id, status: 'disputed' } },
    ...[tx.buyerId, tx.sellerId].map((userId) =>
      notificationJob({
        userId,
        type: 'dispute_opened',
        dedupeKey: `dispute-opened-${dispute.id}-${userId}`,
        text: { key: 'dispute_opened', params: {} },
        data: { transactionId: tx.id, disputeId: dispute.id },
      }),
    ),
  ]);
  return dispute;
}
