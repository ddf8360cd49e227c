import type { Db } from '../../../db/connection';
import { insertAuditRows } from './audit.repository';

/** Staff actions written to `audit_log` (SPEC §4: every staff action is audited). */
export type AuditAction =
  | 'transaction.viewed'
  | 'transaction.events_viewed'
  | 'disputes.listed'
  | 'dispute.viewed'
  | 'dispute.resolved'
  | 'user.viewed'
  | 'user.suspended'
  | 'user.unsuspended'
  | 'audit_log.viewed'
  | 'audit_log.exported'
  | 'safe_zone.created'
  | 'safe_zone.updated'
  | 'safe_zone.deactivated'
  | 'safe_zone.reactivated'
  | 'users.searched'
  | 'user.role_granted'
  | 'listing.taken_down'
  | 'category.created'
  | 'category.updated'
  | 'dispute.message_sent'
  | 'chat.viewed'
  | 'queues.viewed'
  | 'money_jobs.listed'
  | 'money_job.retried';

export type AuditTargetType = 'transaction' | 'dispute' | 'user' | 'audit_log' | 'safe_zone' | 'listing' | 'category' | 'queues' | 'money_job';

export interface AuditEntry {
  /** Null for an operator action outside the API (e.g. `npm run grant-role`): `details.operator` says who. */
  actorId: string | null;
  action: AuditAction;
  targetType: AuditTargetType;
  targetId: string;
  details?: Record<string, unknown>;
  requestId?: string | null;
}

/**
 * Appends one audit row. Pass the caller's database transaction when the action changes state, so
 * the action and its record commit (or roll back) together; a plain `db` for reads.
 */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await insertAuditRows(db, [auditRow(entry)]);
}

// Postgres takes at most 65,535 parameters per statement; 1,000 rows of 6 stay well inside.
const AUDIT_CHUNK = 1000;

/** Appends many audit rows (a bulk action such as an import: one row per thing changed), in chunks. */
export async function recordAudits(db: Db, entries: AuditEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += AUDIT_CHUNK) {
    await insertAuditRows(db, entries.slice(i, i + AUDIT_CHUNK).map(auditRow));
  }
}

function auditRow(entry: AuditEntry) {
  return {
    actorId: entry.actorId,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    details: JSON.stringify(entry.details ?? {}),
    requestId: entry.requestId ?? null,
  };
}
