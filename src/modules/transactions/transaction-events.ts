import type { Transaction } from '../../../db/schema';
import type { OutboxMessage } from '../../shared/outbox';
import { userRoom } from '../../shared/rooms';
import { paymentDeadlineJob, paymentReminderJob } from '../../shared/jobs/money-jobs';

/**
 * Side effects of a new transaction (pending payment): both parties' rooms hear about it, the buyer
 * is reminded six hours before the payment deadline, and the deadline job cancels it if unpaid.
 */
export function transactionCreatedMessages(tx: Transaction, _listingTitle: string): OutboxMessage[] {
  const update = { transactionId: tx.id, listingId: tx.listingId, status: tx.status };
  return [
    { kind: 'event', rooms: [userRoom(tx.buyerId), userRoom(tx.sellerId)], event: 'transaction_update', data: update },
    paymentReminderJob(tx.id, tx.paymentDueAt),
    paymentDeadlineJob(tx.id, tx.paymentDueAt),
  ];
}
