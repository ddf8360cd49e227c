import type { Selectable } from 'kysely';
import type { Db } from '../../../db/connection';
import type { RatingsTable } from '../../../db/schema';

export type RatingRow = Selectable<RatingsTable>;

/** The only Kysely code writing ratings (the profile summary reads them in the users repository). */
export const ratingsRepository = {
  /** Inserts once per (transaction, rater); undefined when that side already rated. */
  async insertOnce(
    db: Db,
    r: { transactionId: string; raterId: string; rateeId: string; score: number; comment: string | null },
  ): Promise<RatingRow | undefined> {
    return db
      .insertInto('ratings')
      .values(r)
      .onConflict((oc) => oc.columns(['transactionId', 'raterId']).doNothing())
      .returningAll()
      .executeTakeFirst();
  },
};
