import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { toCsv } from './csv';

export interface AuditFilter {
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

/** Most rows in one CSV export; a bigger log is exported in windows (`X-Next-Cursor`). */
export const AUDIT_EXPORT_MAX_ROWS = 10_000;

function query(db: Kysely<Database>, f: AuditFilter) {
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

type Row = Awaited<ReturnType<ReturnType<typeof query>['execute']>>[number];

const present = (r: Row) => ({
  id: r.id,
  actorId: r.actorId,
  actorName: r.actorName,
  action: r.action,
  targetType: r.targetType,
  targetId: r.targetId,
  details: r.details,
  requestId: r.requestId,
  createdAt: r.createdAt.toISOString(),
});

/** A page of the audit log, newest first. */
export async function auditLogPage(db: Kysely<Database>, f: AuditFilter) {
  const rows = await query(db, f).execute();
  const page = rows.slice(0, f.limit);
  return { items: page.map(present), nextCursor: rows.length > f.limit ? page[page.length - 1].id : null };
}

const CSV_COLUMNS = ['id', 'created_at', 'actor_id', 'actor_name', 'action', 'target_type', 'target_id', 'request_id', 'details'] as const;

/** The filtered log as CSV (at most AUDIT_EXPORT_MAX_ROWS rows; `nextCursor` continues the export). */
export async function auditLogCsv(db: Kysely<Database>, f: Omit<AuditFilter, 'limit'>) {
  const rows = await query(db, { ...f, limit: AUDIT_EXPORT_MAX_ROWS }).execute();
  const page = rows.slice(0, AUDIT_EXPORT_MAX_ROWS);
  const csv = toCsv(
    CSV_COLUMNS,
    page.map((r) => [r.id, r.createdAt, r.actorId, r.actorName, r.action, r.targetType, r.targetId, r.requestId, r.details]),
  );
  return { csv, rows: page.length, nextCursor: rows.length > AUDIT_EXPORT_MAX_ROWS ? page[page.length - 1].id : null };
}
