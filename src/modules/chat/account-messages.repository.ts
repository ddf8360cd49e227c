import type { Db, Trx } from '../../../db/connection';

/** Every message the user sent, for a privacy access request. */
export async function messagesBySender(db: Db, senderId: string) {
  return db.selectFrom('messages').selectAll().where('senderId', '=', senderId).orderBy('createdAt').execute();
}

/** The purge of a deleted account: its chat text goes, the message rows stay so the other party's thread keeps its order. */
export async function eraseMessagesBySender(trx: Trx, senderId: string): Promise<number> {
  const rows = await trx.updateTable('messages').set({ content: '' }).where('senderId', '=', senderId).where('content', '<>', '').returning('id').execute();
  return rows.length;
}
