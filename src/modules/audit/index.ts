/** Public surface of the audit module: the staff-action log (`audit_log`). */

/** Recording staff actions (pass the caller's transaction when the action changes state). */
export { recordAudit, recordAudits, type AuditAction, type AuditEntry, type AuditTargetType } from './audit';

/** Reading the log: pages, CSV export windows, and the latest entry of an action on one target. */
export { auditLogCsv, auditLogPage, AUDIT_EXPORT_MAX_ROWS, type AuditFilter } from './audit-log';
export { latestAuditEntry } from './audit.repository';
/** Work the system left for staff (no acting person), written with the state change that found it. */
export { insertSystemAuditRow as recordSystemAudit } from './audit.repository';
/** The RFC 4180 cell writer (quoting, formula defusing) for other modules' CSV downloads. */
export { csvCell } from './csv';
