import { sql, type Selectable } from 'kysely';
import type { Db } from '../../db/connection';
import type { IdempotencyKeysTable } from '../../db/schema';

// The only Kysely code for `idempotency_keys` (a platform table: the HTTP transport writes it, the
// maintenance job prunes it, so it lives below both).

export type IdempotencyKeyRow = Selectable<IdempotencyKeysTable>;

/** Claims (scope, key) for this request; false when another request holds it already. */
export async function claimIdempotencyKey(db: Db, scope: string, key: string, requestHash: string): Promise<boolean> {
  const claimed = await db
    .insertInto('idempotencyKeys')
    .values({ scope, key, requestHash })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  return Boolean(claimed);
}

/**
 * Takes over (scope, key) for a retry of the same request when the holder's claim is older than
 * `leaseMs` and never completed: that request died mid-flight (crash, deploy), and without this the
 * key would answer 409 until pruned a week later. The claim time restarts, so only one retry wins.
 */
export async function takeOverStaleIdempotencyKey(db: Db, scope: string, key: string, requestHash: string, leaseMs: number): Promise<boolean> {
  const taken = await db
    .updateTable('idempotencyKeys')
    .set({ claimedAt: sql<Date>`now()` })
    .where('scope', '=', scope)
    .where('key', '=', key)
    .where('requestHash', '=', requestHash)
    .where('completedAt', 'is', null)
    .where('claimedAt', '<', sql<Date>`now() - ${leaseMs} * interval '1 millisecond'`)
    .returning('key')
    .executeTakeFirst();
  return Boolean(taken);
}

/**
 * Stores the reply of the request that holds (scope, key), for its replays; `db` may be the work's own
 * transaction, so the reply commits with the work. The first reply stays: false when (scope, key) was
 * answered already (a retry that took over a slow holder's claim, or the holder itself).
 */
export async function completeIdempotencyKey(db: Db, scope: string, key: string, reply: { statusCode: number; responseBody: string }): Promise<boolean> {
  const completed = await db
    .updateTable('idempotencyKeys')
    .set({ statusCode: reply.statusCode, responseBody: reply.responseBody, completedAt: sql<Date>`now()` })
    .where('scope', '=', scope)
    .where('key', '=', key)
    .where('completedAt', 'is', null)
    .returning('key')
    .executeTakeFirst();
  return Boolean(completed);
}

/** Lets go of an unanswered (scope, key) so the client may retry under it; a stored reply stays. */
export async function releaseIdempotencyKey(db: Db, scope: string, key: string): Promise<void> {
  await db.deleteFrom('idempotencyKeys').where('scope', '=', scope).where('key', '=', key).where('completedAt', 'is', null).execute();
}

export async function findIdempotencyKey(db: Db, scope: string, key: string): Promise<IdempotencyKeyRow | undefined> {
  return db.selectFrom('idempotencyKeys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
}

/** Deletes keys older than a week (maintenance); returns how many. */
export async function deleteOldIdempotencyKeys(db: Db): Promise<number> {
  const result = await db.deleteFrom('idempotencyKeys').where('createdAt', '<', sql<Date>`now() - interval '7 days'`).executeTakeFirst();
  return Number(result.numDeletedRows);
}
