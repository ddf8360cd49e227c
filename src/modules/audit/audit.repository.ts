import type { Insertable } from 'kysely';
import type { Db, Trx } from '../../../db/connection';
import type { AuditLogTable } from '../../../db/schema';

// The only Kysely code for `audit_log`. It joins `users` read-only, for the actor's display name.

/** The filter of an audit-log read (the same for a page and a CSV export). */
export interface AuditQuery {
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  /** Entries with an id below this one (the previous page's `nextCursor`). */
  before?: string;
  limit: number;
}

/** Appends audit rows (one statement). */
export async function insertAuditRows(db: Db, rows: Insertable<AuditLogTable>[]): Promise<void> {
  await db.insertInto('auditLog').values(rows).execute();
}

function auditQuery(db: Db, f: AuditQuery) {
  let q = db
    .selectFrom('auditLog as a')
    .leftJoin('users as u', 'u.id', 'a.actorId')
    .select([
      'a.id',
      'a.actorId',
      'u.displayName as actorName',
      'a.action',
      'a.targetType',
      'a.targetId',
      'a.details',
      'a.requestId',
      'a.createdAt',
    ])
    .orderBy('a.id', 'desc')
    .limit(f.limit + 1);
  if (f.actorId) q = q.where('a.actorId', '=', f.actorId);
  if (f.action) q = q.where('a.action', '=', f.action);
  if (f.targetType) q = q.where('a.targetType', '=', f.targetType);
  if (f.targetId) q = q.where('a.targetId', '=', f.targetId);
  if (f.from) q = q.where('a.createdAt', '>=', f.from);
  if (f.to) q = q.where('a.createdAt', '<', f.to);
  if (f.before) q = q.where('a.id', '<', f.before as never);
  return q;
}

/** One row of an audit-log read, with the actor's display name. */
export type AuditLogRow = Awaited<ReturnType<ReturnType<typeof auditQuery>['execute']>>[number];

/** Up to `limit + 1` entries matching `f`, newest first (the extra row tells that another page follows). */
export async function findAuditRows(db: Db, f: AuditQuery): Promise<AuditLogRow[]> {
  return auditQuery(db, f).execute();
}

/** The newest entry of `action` on one target (e.g. why a user is suspended, and by whom). */
export async function latestAuditEntry(db: Db, target: { targetType: string; targetId: string; action: string }) {
  return db
    .selectFrom('auditLog')
    .select(['details', 'actorId'])
    .where('targetType', '=', target.targetType)
    .where('targetId', '=', target.targetId)
    .where('action', '=', target.action)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/**
 * A system row (no acting person): work the money paths could not finish on their own, left for staff
 * in the caller's database transaction.
 */
export async function insertSystemAuditRow(
  trx: Trx,
  row: { action: string; targetType: string; targetId: string; details: Record<string, unknown> },
): Promise<void> {
  await trx
    .insertInto('auditLog')
    .values({ actorId: null, action: row.action, targetType: row.targetType, targetId: row.targetId, details: JSON.stringify(row.details), requestId: null })
    .execute();
}
