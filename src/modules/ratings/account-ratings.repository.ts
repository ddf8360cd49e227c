import type { Db, Trx } from '../../../db/connection';

/** The purge of a deleted account (SPEC §9): the comments it wrote go; the scores stay, anonymous. */
export async function eraseRatingCommentsBy(trx: Trx, userId: string): Promise<void> {
  await trx.updateTable('ratings').set({ comment: null }).where('raterId', '=', userId).where('comment', 'is not', null).execute();
}

/** Every rating the user gave or received, for a privacy access request. */
export async function ratingsOfUser(db: Db, userId: string) {
  return db
    .selectFrom('ratings')
    .selectAll()
    .where((eb) => eb.or([eb('raterId', '=', userId), eb('rateeId', '=', userId)]))
    .orderBy('createdAt')
    .execute();
}
