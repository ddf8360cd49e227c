import type { Db } from '../../../db/connection';
import { findAuditRows, type AuditLogRow, type AuditQuery } from './audit.repository';
import { toCsv } from './csv';

/** Which entries to read (a page or an export window). */
export type AuditFilter = AuditQuery;

/** Most rows in one CSV export; a bigger log is exported in windows (`X-Next-Cursor`). */
export const AUDIT_EXPORT_MAX_ROWS = 10_000;

const present = (r: AuditLogRow) => ({
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
export async function auditLogPage(db: Db, f: AuditFilter) {
  const rows = await findAuditRows(db, f);
  const page = rows.slice(0, f.limit);
  return { items: page.map(present), nextCursor: rows.length > f.limit ? page[page.length - 1].id : null };
}

const CSV_COLUMNS = ['id', 'created_at', 'actor_id', 'actor_name', 'action', 'target_type', 'target_id', 'request_id', 'details'] as const;

/** The filtered log as CSV (at most AUDIT_EXPORT_MAX_ROWS rows; `nextCursor` continues the export). */
export async function auditLogCsv(db: Db, f: Omit<AuditFilter, 'limit'>) {
  const rows = await findAuditRows(db, { ...f, limit: AUDIT_EXPORT_MAX_ROWS });
  const page = rows.slice(0, AUDIT_EXPORT_MAX_ROWS);
  const csv = toCsv(
    CSV_COLUMNS,
    page.map((r) => [r.id, r.createdAt, r.actorId, r.actorName, r.action, r.targetType, r.targetId, r.requestId, r.details]),
  );
  return { csv, rows: page.length, nextCursor: rows.length > AUDIT_EXPORT_MAX_ROWS ? page[page.length - 1].id : null };
}
