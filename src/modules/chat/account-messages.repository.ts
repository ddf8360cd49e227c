import type { Db, Trx } from '../../../db/connection';

/** Every message the user sent, for a privacy access request. */
export async function messagesBySender(db: Db, senderId: string) {
  return db.selectFrom('messages').selectAll().where('senderId', '=', senderId).orderBy('createdAt').execute();
}

/** What a purged account's messages say instead (a message is never empty). */
export const ERASED_MESSAGE = '[deleted]';

/**
 * The purge of a deleted account: its chat text (and image links) go, the message rows stay so the
 * other party's thread keeps its order and a dispute its timeline.
 */
export async function eraseMessagesBySender(trx: Trx, senderId: string): Promise<number> {
  const rows = await trx
    .updateTable('messages')
    .set({ content: ERASED_MESSAGE })
    .where('senderId', '=', senderId)
    .where('content', '<>', ERASED_MESSAGE)
    .returning('id')
    .execute();
  return rows.length;
}
