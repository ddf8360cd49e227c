import type { Transaction } from '../../../db/schema';
import type { OutboxMessage } from '../../shared/outbox';
import { userRoom } from '../auctions/listing-events';

/**
 * Side effects of a new transaction (pending payment): both parties' rooms hear about it. The escrow
 * module adds its payment-deadline jobs here.
 */
export function transactionCreatedMessages(tx: Transaction, _listingTitle: string): OutboxMessage[] {
  const update = { transactionId: tx.id, listingId: tx.listingId, status: tx.status };
  return [{ kind: 'event', rooms: [userRoom(tx.buyerId), userRoom(tx.sellerId)], event: 'transaction_update', data: update }];
}
