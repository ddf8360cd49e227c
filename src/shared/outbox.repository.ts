import { sql } from 'kysely';
import type { Db, Trx } from '../../db/connection';
import type { PendingWrite } from '../../db/writes';

// The only Kysely code for `outbox` (a platform table: every module writes its side effects there in
// its own transaction; the relay publishes them; the maintenance job prunes them).

/** The Postgres channel that wakes the relay. */
export const OUTBOX_CHANNEL = 'outbox';

/**
 * Appends rows (built, not executed: the caller may fold it with other writes). The insert wakes the
 * relay by itself: a statement trigger NOTIFYs OUTBOX_CHANNEL, delivered only on commit.
 */
export function outboxRowsInsert(trx: Trx, rows: Array<{ topic: string; payload: string }>): PendingWrite {
  return trx.insertInto('outbox').values(rows);
}

/**
 * One relay at a time publishes: the transaction-scoped lock is taken before claiming and released by
 * the commit that marks the batch published, so however many relays run, rows leave in `id` order —
 * which, for the events of one listing, is their `seq` order (both are taken under the listing's lock).
 * False when another relay holds it (that relay is draining; it will see the rows too).
 */
export async function tryLockOutboxPublishing(trx: Trx): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(hashtext('biddt:outbox-relay')) AS locked`.execute(trx);
  return rows[0]?.locked === true;
}

/**
 * Up to `limit` publishable rows (not published, not failed, due), oldest first, locked for this
 * transaction; rows another relay holds are skipped, not waited for.
 */
export async function claimOutboxBatch(trx: Trx, limit: number): Promise<Array<{ id: string; payload: unknown }>> {
  return trx
    .selectFrom('outbox')
    .select(['id', 'payload'])
    .where('publishedAt', 'is', null)
    .where('failedAt', 'is', null)
    .where('availableAt', '<=', sql<Date>`now()`)
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** Sets a malformed row aside with the reason; it is never retried. */
export async function markOutboxFailed(trx: Trx, id: string, error: string): Promise<void> {
  await trx.updateTable('outbox').set({ failedAt: sql<Date>`now()`, error }).where('id', '=', id).execute();
}

export async function markOutboxPublished(trx: Trx, ids: string[]): Promise<void> {
  await trx.updateTable('outbox').set({ publishedAt: sql<Date>`now()` }).where('id', 'in', ids).execute();
}

/** Deletes rows published more than a week ago (maintenance); returns how many. */
export async function deletePublishedOutbox(db: Db): Promise<number> {
  const result = await db.deleteFrom('outbox').where('publishedAt', '<', sql<Date>`now() - interval '7 days'`).executeTakeFirst();
  return Number(result.numDeletedRows);
}
