import type { Trx } from '../../../db/connection';
import type { Message } from '../../../db/schema';

/** Staff writes to a transaction's chat (the chat module owns `messages`). */
export const staffMessagesRepository = {
  async insertText(trx: Trx, transactionId: string, senderId: string, content: string): Promise<Message> {
    return trx.insertInto('messages').values({ transactionId, senderId, type: 'text', content }).returningAll().executeTakeFirstOrThrow();
  },

  /** The transaction's parties and status, share-locked: a resolution (FOR UPDATE) waits, or goes first. */
  async lockParties(trx: Trx, transactionId: string) {
    return trx
      .selectFrom('transactions')
      .select(['id', 'buyerId', 'sellerId', 'status'])
      .where('id', '=', transactionId)
      .forShare()
      .executeTakeFirst();
  },
};
