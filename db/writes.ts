import { sql, type InsertQueryBuilder, type QueryCreator, type UpdateQueryBuilder } from 'kysely';
import type { Trx } from './connection';
import type { Database } from './schema';

/**
 * One write built by a module's repository and not yet executed, so that writes of several modules
 * can go to PostgreSQL as one statement (`executeWrites`). Each module still builds only its own
 * tables' statements.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any table, any returning shape: only the statement is used
export type PendingWrite = InsertQueryBuilder<Database, any, any> | UpdateQueryBuilder<Database, any, any, any>;

/**
 * Executes independent writes in ONE round trip: `WITH w0 AS (insert …), w1 AS (update …) SELECT 1`.
 * PostgreSQL runs every data-modifying CTE exactly once, all on the same snapshot, so the writes
 * must not depend on each other's effects (different tables, no write reading another's rows).
 * Triggers fire as for separate statements.
 */
export async function executeWrites(trx: Trx, writes: PendingWrite[]): Promise<void> {
  if (writes.length === 0) return;
  if (writes.length === 1) {
    await writes[0].execute();
    return;
  }
  let creator: QueryCreator<Database> = trx;
  writes.forEach((write, i) => {
    // The CTE names grow the builder's type with every step; only the statement matters here.
    creator = creator.with(`w${i}`, () => write) as unknown as QueryCreator<Database>;
  });
  await creator.selectNoFrom(sql<number>`1`.as('done')).execute();
}
