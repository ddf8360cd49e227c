/** Public surface of the audit module. */
export { recordAudit, recordAudits, type AuditAction, type AuditEntry, type AuditTargetType } from './audit';
export { auditLogCsv, auditLogPage, AUDIT_EXPORT_MAX_ROWS, type AuditFilter } from './audit-log';
