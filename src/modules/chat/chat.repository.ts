import { sql, type Kysely } from 'kysely';
import type { Trx } from '../../../db/connection';
import type { Database } from '../../../db/schema';

type Reader = Kysely<Database> | Trx;

/** The only Kysely code for messages and read receipts. */
export const chatRepository = {
  /** A text message, or an image message whose content is the stored photo's URL. */
  insert(trx: Trx, transactionId: string, senderId: string, type: 'text' | 'image', content: string) {
    return trx
      .insertInto('messages')
      .values({ transactionId, senderId, type, content })
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  /** A page of the chat, newest first, each message with when the other party first read it. */
  page(db: Reader, transactionId: string, limit: number, cursor?: string) {
    let query = db
      .selectFrom('messages as m')
      .selectAll('m')
      .select((eb) =>
        eb
          .selectFrom('messageReads as r')
          .select((r) => r.fn.min('r.readAt').as('firstRead'))
          .whereRef('r.messageId', '=', 'm.id')
          // Receipts of the other party: the sender's own reads (none are written) do not count.
          .where(sql<boolean>`r.user_id IS DISTINCT FROM m.sender_id`)
          .as('readAt'),
      )
      .where('m.transactionId', '=', transactionId)
      .orderBy('m.seq', 'desc')
      .limit(limit + 1);
    if (cursor) query = query.where('m.seq', '<', cursor as never);
    return query.execute();
  },

  seqOf(db: Reader, messageId: string, transactionId: string) {
    return db.selectFrom('messages').select('seq').where('id', '=', messageId).where('transactionId', '=', transactionId).executeTakeFirst();
  },

  /** The other party's messages `readerId` has not read yet (up to `upToSeq`), oldest first. */
  unreadBy(db: Reader, transactionId: string, readerId: string, upToSeq?: string) {
    let unread = db
      .selectFrom('messages as m')
      .select(['m.id', 'm.seq'])
      .where('m.transactionId', '=', transactionId)
      .where(sql<boolean>`m.sender_id IS DISTINCT FROM ${readerId}`)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('messageReads as r')
              .select('r.messageId')
              .whereRef('r.messageId', '=', 'm.id')
              .where('r.userId', '=', readerId),
          ),
        ),
      );
    if (upToSeq) unread = unread.where('m.seq', '<=', upToSeq as never);
    return unread.orderBy('m.seq').execute();
  },

  async insertReads(trx: Trx, messageIds: string[], userId: string, readAt: Date): Promise<void> {
    await trx
      .insertInto('messageReads')
      .values(messageIds.map((messageId) => ({ messageId, userId, readAt })))
      .onConflict((oc) => oc.columns(['messageId', 'userId']).doNothing())
      .execute();
  },
};
