import { sql } from 'kysely';
import type { Db, Trx } from '../../../db/connection';

/** The only Kysely code for `stripe_events` (the webhook inbox). */
export const webhooksRepository = {
  /** Stores an event once; undefined when it was already stored (a redelivery). */
  async storeOnce(trx: Trx, e: { id: string; type: string; objectId: string | null; processed: boolean }) {
    return trx
      .insertInto('stripeEvents')
      .values({ id: e.id, type: e.type, objectId: e.objectId, processedAt: e.processed ? sql<Date>`now()` : null })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
  },

  async find(db: Db, id: string) {
    return db.selectFrom('stripeEvents').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /**
   * A failed processing attempt (e.g. the Stripe object cannot be fetched): the sweep retries it after
   * 2^attempts minutes (at most 6 h), and after `maxAttempts` it is marked failed for staff instead.
   */
  async recordFailure(db: Db, id: string, error: string, maxAttempts: number) {
    return db
      .updateTable('stripeEvents')
      .set({
        attempts: sql<number>`attempts + 1`,
        lastError: error.slice(0, 2000),
        nextAttemptAt: sql<Date>`now() + least(power(2, attempts), 360) * interval '1 minute'`,
        failedAt: sql<Date | null>`CASE WHEN attempts + 1 >= ${maxAttempts} THEN now() END`,
      })
      .where('id', '=', id)
      .where('processedAt', 'is', null)
      .returning(['attempts', 'failedAt'])
      .executeTakeFirst();
  },

  /** Whether an event of `type` about `objectId` was already processed (chargeback events arrive in any order). */
  async processedFor(db: Db, type: string, objectId: string): Promise<boolean> {
    const row = await db
      .selectFrom('stripeEvents')
      .select('id')
      .where('type', '=', type)
      .where('objectId', '=', objectId)
      .where('processedAt', 'is not', null)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  },

  /** Set last, once: a crash before it re-runs a handler that then finds nothing to do. */
  async markProcessed(db: Db, id: string): Promise<void> {
    await db
      .updateTable('stripeEvents')
      .set({ processedAt: sql<Date>`now()` })
      .where('id', '=', id)
      .where('processedAt', 'is', null)
      .execute();
  },
};
