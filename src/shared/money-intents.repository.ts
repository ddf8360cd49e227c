import { sql, type Kysely } from 'kysely';
import type { Trx } from '../../db/connection';
import type { PendingWrite } from '../../db/writes';
import type { Database, MoneyIntentStatus, MoneyIntentsTable } from '../../db/schema';
import type { Selectable } from 'kysely';
import type { MoneyIntentSpec } from './jobs/money-intent-key';

// The only Kysely code for `money_intents` — a platform table like `outbox`: any module deciding a
// money effect writes its intent through `writeOutbox` in its own transaction (the modules deciding
// payouts sit below escrow); escrow's runner, sweep and staff routes read and update it here.

type Reader = Kysely<Database> | Trx;
export type MoneyIntent = Selectable<MoneyIntentsTable>;

/** Statuses in which the effect is still owed (the sweep's concern). */
export const OPEN_STATUSES: MoneyIntentStatus[] = ['pending', 'running', 'failing'];

/**
 * Records intents with the decision. A second request for the same key wakes the existing row:
 * a parked one (waiting for a wallet, skipped as not ready) becomes pending and due now, a pending
 * or failing one is due now; a succeeded one is left alone (the effect happened), and a running one
 * only notes the request (its runner re-queues itself instead of parking).
 */
export async function upsertMoneyIntents(trx: Trx, intents: MoneyIntentSpec[]): Promise<void> {
  if (intents.length) await moneyIntentsUpsert(trx, intents).execute();
}

/** The statement of `upsertMoneyIntents` (at least one intent), built for folding with other writes. */
export function moneyIntentsUpsert(trx: Trx, intents: MoneyIntentSpec[]): PendingWrite {
  return trx
    .insertInto('moneyIntents')
    .values(
      intents.map((i) => ({
        key: i.key,
        kind: i.kind,
        transactionId: i.transactionId,
        amountCents: i.amountCents,
        payload: JSON.stringify(i.payload),
      })),
    )
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        requestedAt: sql<Date>`now()`,
        updatedAt: sql<Date>`now()`,
        payload: sql<string>`CASE WHEN money_intents.status IN ('succeeded', 'running') THEN money_intents.payload ELSE excluded.payload END`,
        amountCents: sql<number>`CASE WHEN money_intents.status IN ('succeeded', 'running') THEN money_intents.amount_cents ELSE excluded.amount_cents END`,
        status: sql<MoneyIntentStatus>`CASE WHEN money_intents.status IN ('waiting_for_wallet', 'skipped') THEN 'pending' ELSE money_intents.status END`,
        nextAttemptAt: sql<Date>`CASE WHEN money_intents.status IN ('succeeded', 'running') THEN money_intents.next_attempt_at ELSE now() END`,
      }),
    );
}

export const moneyIntentsRepository = {
  find(db: Reader, id: string): Promise<MoneyIntent | undefined> {
    return db.selectFrom('moneyIntents').selectAll().where('id', '=', id).executeTakeFirst();
  },

  findByKey(db: Reader, key: string): Promise<MoneyIntent | undefined> {
    return db.selectFrom('moneyIntents').selectAll().where('key', '=', key).executeTakeFirst();
  },

  lock(trx: Trx, id: string): Promise<MoneyIntent | undefined> {
    return trx.selectFrom('moneyIntents').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  },

  /**
   * Takes the intent for one attempt: open (pending or failing), or running under a lease that has
   * expired (its worker died). `attempts` is the fencing token of this claim. A job may run an
   * intent ahead of its schedule (BullMQ's own quick retries); the sweep only queues due ones.
   */
  claim(db: Reader, key: string, now: Date, leaseMs: number): Promise<MoneyIntent | undefined> {
    return db
      .updateTable('moneyIntents')
      .set({
        status: 'running',
        attempts: sql<number>`attempts + 1`,
        claimedAt: now,
        leaseUntil: new Date(now.getTime() + leaseMs),
        updatedAt: now,
      })
      .where('key', '=', key)
      .where((eb) =>
        eb.or([eb('status', 'in', ['pending', 'failing']), eb.and([eb('status', '=', 'running'), eb('leaseUntil', '<', now)])]),
      )
      .returningAll()
      .executeTakeFirst();
  },

  /**
   * Records an attempt's end, only if this claim still holds (same `attempts`, still running): a
   * runner whose lease was taken over does not overwrite its successor. A park (wallet, not ready)
   * asked for again while this attempt ran becomes pending instead.
   */
  async finish(
    db: Reader,
    claim: Pick<MoneyIntent, 'id' | 'attempts'>,
    end: { status: MoneyIntentStatus; outcome: string | null; error: string | null; nextAttemptAt: Date; amountCents?: number },
    now: Date,
  ): Promise<boolean> {
    const parked = end.status === 'waiting_for_wallet' || end.status === 'skipped';
    const result = await db
      .updateTable('moneyIntents')
      .set({
        status: parked ? sql<MoneyIntentStatus>`CASE WHEN requested_at > claimed_at THEN 'pending' ELSE ${end.status} END` : end.status,
        lastOutcome: end.outcome,
        lastError: end.error,
        nextAttemptAt: end.nextAttemptAt,
        leaseUntil: null,
        updatedAt: now,
        completedAt: end.status === 'succeeded' ? now : null,
        ...(end.amountCents !== undefined ? { amountCents: end.amountCents } : {}),
      })
      .where('id', '=', claim.id)
      .where('status', '=', 'running')
      .where('attempts', '=', claim.attempts)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  },

  /** Intents the sweep must drive: due (pending or failing), or running past their lease. */
  due(db: Reader, now: Date, limit: number): Promise<MoneyIntent[]> {
    return db
      .selectFrom('moneyIntents')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('status', 'in', ['pending', 'failing']), eb('nextAttemptAt', '<=', now)]),
          eb.and([eb('status', '=', 'running'), eb('leaseUntil', '<', now)]),
        ]),
      )
      .orderBy('nextAttemptAt')
      .limit(limit)
      .execute();
  },

  /** A staff retry: due now, as pending (the next failure counts toward `failing` again at once). */
  async requestRetry(trx: Trx, id: string, now: Date): Promise<MoneyIntent> {
    return trx
      .updateTable('moneyIntents')
      .set({ status: 'pending', nextAttemptAt: now, requestedAt: now, updatedAt: now, leaseUntil: null })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  /** A page of intents, newest first; `before` is the id of the last row of the previous page. */
  async page(db: Reader, filter: { status?: MoneyIntentStatus; transactionId?: string; before?: string; limit: number }): Promise<MoneyIntent[]> {
    let q = db.selectFrom('moneyIntents').selectAll();
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.transactionId) q = q.where('transactionId', '=', filter.transactionId);
    if (filter.before) {
      q = q.where(sql<boolean>`(created_at, id) < (SELECT c.created_at, c.id FROM money_intents c WHERE c.id = ${filter.before})`);
    }
    return q.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
  },

  /** How many intents are in each status (the `money_intents` gauge). */
  async countByStatus(db: Reader): Promise<Record<string, number>> {
    const rows = await db.selectFrom('moneyIntents').select(['status', sql<string>`count(*)`.as('n')]).groupBy('status').execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  },

  /** Attempts made so far, summed by kind (the attempts counter, read from the rows so every process agrees). */
  async attemptsByKind(db: Reader): Promise<Record<string, number>> {
    const rows = await db.selectFrom('moneyIntents').select(['kind', sql<string>`coalesce(sum(attempts), 0)`.as('n')]).groupBy('kind').execute();
    return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
  },
};
