import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';

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
  | 'audit_log.exported';

export type AuditTargetType = 'transaction' | 'dispute' | 'user' | 'audit_log';

export interface AuditEntry {
  actorId: string;
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
export async function recordAudit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('auditLog')
    .values({
      actorId: entry.actorId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      details: JSON.stringify(entry.details ?? {}),
      requestId: entry.requestId ?? null,
    })
    .execute();
}
