import { sql } from 'kysely';
import { anyOf } from '../../db/any-of';
import type { Db, Trx } from '../../db/connection';
import { bulkInsert } from '../../db/bulk-insert';
import type { PendingWrite } from '../../db/writes';

// The only Kysely code for `outbox` (a platform table: every module writes its side effects there in
// its own transaction; the relay publishes them; the maintenance job prunes them).

/** The Postgres channel that wakes the relay. */
export const OUTBOX_CHANNEL = 'outbox';

/**
 * Appends rows (built, not executed: the caller may fold it with other writes). The insert wakes the
 * relay by itself: a statement trigger NOTIFYs OUTBOX_CHANNEL, delivered only on commit. A row with
 * `availableAt` is relayed no earlier (by the relay's poll once it is due); the others at once.
 */
export function outboxRowsInsert(trx: Trx, rows: Array<{ topic: string; payload: string; availableAt?: Date }>): PendingWrite {
  return bulkInsert(trx, 'outbox', { topic: 'text', payload: 'jsonb', availableAt: { type: 'timestamptz', whenNull: sql`now()` } }, rows);
}

/**
 * One relay at a time publishes: the transaction-scoped lock is taken before claiming and released by
 * the commit that marks the batch published, so however many relays run, rows leave in `id` order —
 * which, for the events of one listing, is their `seq` order (both are taken under the listing's lock).
 * Takes the lock and, if it got it, up to `limit` publishable rows (not published, not failed, due),
 * oldest first, locked for this transaction, in one round trip. 'busy' when another relay holds the
 * lock (that relay is draining; it will see the rows too).
 *
 * One statement is safe although its snapshot predates the lock: a row the previous holder marked
 * published after that snapshot is re-read by FOR UPDATE at its latest version and no longer matches;
 * a row committed after it is left to the next pass (its commit's NOTIFY wakes the relay again).
 */
export async function claimOutboxBatchIfFree(trx: Trx, limit: number): Promise<'busy' | Array<{ id: string; payload: unknown }>> {
  // A volatile function keeps the CTE from being inlined: the lock is tried exactly once.
  const { rows } = await sql<{ locked: boolean; id: string | null; payload: unknown }>`
    WITH publishing AS (SELECT pg_try_advisory_xact_lock(hashtext('biddt:outbox-relay')) AS locked)
    SELECT publishing.locked, batch.id, batch.payload
      FROM publishing
      LEFT JOIN LATERAL (
        SELECT id, payload FROM outbox
         WHERE publishing.locked AND published_at IS NULL AND failed_at IS NULL AND available_at <= now()
         ORDER BY id
         LIMIT ${limit}
           FOR UPDATE SKIP LOCKED
      ) AS batch ON true`.execute(trx);
  if (rows[0]?.locked !== true) return 'busy';
  return rows.flatMap((r) => (r.id === null ? [] : [{ id: r.id, payload: r.payload }]));
}

/** Sets a malformed row aside with the reason; it is never retried. */
export async function markOutboxFailed(trx: Trx, id: string, error: string): Promise<void> {
  await trx.updateTable('outbox').set({ failedAt: sql<Date>`now()`, error }).where('id', '=', id).execute();
}

export async function markOutboxPublished(trx: Trx, ids: string[]): Promise<void> {
  await trx.updateTable('outbox').set({ publishedAt: sql<Date>`now()` }).where('id', '=', anyOf(ids, 'bigint')).execute();
}

/** Deletes rows published more than a week ago (maintenance); returns how many. */
export async function deletePublishedOutbox(db: Db): Promise<number> {
  const result = await db.deleteFrom('outbox').where('publishedAt', '<', sql<Date>`now() - interval '7 days'`).executeTakeFirst();
  return Number(result.numDeletedRows);
}
