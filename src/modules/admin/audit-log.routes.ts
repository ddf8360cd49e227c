import type { RequestHandler } from 'express';
import type { Platform } from '../../shared/platform';
import { defineRoute, ok, signInRequired } from '../../http/route';
import { parseInput } from '../../shared/validation';
import { z } from '../../shared/zod';
import { auditLogCsv, auditLogPage, recordAudit, type AuditFilter } from '../audit';
import { requirePermission } from './admin.policy';
import { AuditLogPage, AuditLogQuery } from './admin.schemas';

type Query = z.output<typeof AuditLogQuery>;

const filterOf = (q: Query): AuditFilter => ({
  actorId: q.actorId,
  action: q.action,
  targetType: q.targetType,
  targetId: q.targetId,
  from: q.from ? new Date(q.from) : undefined,
  to: q.to ? new Date(q.to) : undefined,
  before: q.cursor,
  limit: q.limit,
});

const filterDetails = (q: Query) => ({ ...q, format: undefined });

/**
 * `?format=csv` is answered here, before the JSON handler: route replies are JSON-encoded by the
 * mount, and a CSV export is plain text (a spreadsheet download with `Content-Disposition`).
 */
function csvExport(deps: Pick<Platform, 'db'>): RequestHandler {
  return async (req, res, next) => {
    if (req.query.format !== 'csv') return next();
    const actor = req.actor;
    // Unreachable in practice: the route's roles check has already refused anyone signed out.
    if (!actor) throw signInRequired();
    requirePermission(actor, 'audit:read');
    const query = parseInput(AuditLogQuery, req.query, 'query');
    const { csv, rows, nextCursor } = await auditLogCsv(deps.db, filterOf(query));
    await recordAudit(deps.db, {
      actorId: actor.userId,
      action: 'audit_log.exported',
      targetType: 'audit_log',
      targetId: '*',
      details: { ...filterDetails(query), rows },
      requestId: req.id,
    });
    if (nextCursor) res.setHeader('X-Next-Cursor', nextCursor);
    res
      .status(200)
      .setHeader('Cache-Control', 'no-store')
      .setHeader('Content-Disposition', `attachment; filename="biddt-audit-log-${new Date().toISOString().slice(0, 10)}.csv"`)
      .type('text/csv; charset=utf-8')
      .send(csv);
  };
}

export const auditLogRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/v1/admin/audit-log',
      summary: 'Staff actions, newest first (`?format=csv` downloads the filtered log as CSV)',
      tags: ['admin'],
      roles: ['support', 'admin'],
      query: AuditLogQuery,
      before: (deps) => [csvExport(deps)],
      responses: {
        200: {
          description: 'A page of entries (JSON), or text/csv with format=csv (X-Next-Cursor when cut at 10,000 rows)',
          schema: AuditLogPage,
          alternatives: { 'text/csv': z.string().openapi({ description: 'One header row, then one row per entry' }) },
        },
        403: { description: 'staff_only, missing_permission (audit:read)' },
      },
    },
    async (deps, { actor, query, requestId }) => {
      requirePermission(actor, 'audit:read');
      const page = await auditLogPage(deps.db, filterOf(query));
      await recordAudit(deps.db, {
        actorId: actor.userId,
        action: 'audit_log.viewed',
        targetType: 'audit_log',
        targetId: '*',
        details: filterDetails(query),
        requestId,
      });
      return ok(page);
    },
  ),
];
