import type { Db } from '../../../db/connection';

/** Every rating the user gave or received, for a privacy access request. */
export async function ratingsOfUser(db: Db, userId: string) {
  return db
    .selectFrom('ratings')
    .selectAll()
    .where((eb) => eb.or([eb('raterId', '=', userId), eb('rateeId', '=', userId)]))
    .orderBy('createdAt')
    .execute();
}
