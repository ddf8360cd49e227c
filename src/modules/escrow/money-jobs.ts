import type { Platform } from '../../shared/platform';
import type { Actor } from '../../shared/context';
import type { MoneyIntentKind, MoneyIntentStatus } from '../../../db/schema';
import { conflict, forbidden, notFound } from '../../shared/errors';
import { can, type Permission } from '../../shared/permissions';
import { jobFor, writeOutbox } from '../../shared/outbox';
import { jobId } from '../../shared/jobs';
import { jobNameOfIntent } from '../../shared/jobs/money-intent-key';
import { moneyIntentsRepository, type MoneyIntent } from '../../shared/money-intents.repository';
import { recordAudit } from '../audit';

/**
 * Staff's view of the money intents (issue #10, SPEC §9 console): the failing ones are listed with
 * their last error, and any intent not yet done can be re-run now — audited, through the same
 * outbox path as every other money job (the row wakes, a job is queued on commit).
 */

export interface MoneyJobView {
  id: string;
  key: string;
  kind: MoneyIntentKind;
  transactionId: string;
  amountCents: number | null;
  status: MoneyIntentStatus;
  attempts: number;
  lastError: string | null;
  lastOutcome: string | null;
  nextAttemptAt: string;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

type StaffDeps = Pick<Platform, 'db' | 'clock'>;
interface Staff {
  actor: Actor;
  requestId?: string;
}

function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor.role, permission)) throw forbidden('missing_permission', `This needs the ${permission} permission.`);
}

export function presentMoneyJob(i: MoneyIntent): MoneyJobView {
  return {
    id: i.id,
    key: i.key,
    kind: i.kind,
    transactionId: i.transactionId,
    amountCents: i.amountCents,
    status: i.status,
    attempts: i.attempts,
    lastError: i.lastError,
    lastOutcome: i.lastOutcome,
    nextAttemptAt: i.nextAttemptAt.toISOString(),
    createdAt: i.createdAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
    completedAt: i.completedAt?.toISOString() ?? null,
  };
}

/** GET /v1/admin/money-jobs — newest first, filtered by status (e.g. `failing`) or transaction. */
export async function listMoneyJobs(
  deps: StaffDeps,
  staff: Staff,
  filter: { status?: MoneyIntentStatus; transactionId?: string; limit: number; cursor?: string },
): Promise<{ items: MoneyJobView[]; nextCursor: string | null }> {
  requirePermission(staff.actor, 'money_jobs:read');
  const rows = await moneyIntentsRepository.page(deps.db, {
    status: filter.status,
    transactionId: filter.transactionId,
    before: filter.cursor,
    limit: filter.limit + 1,
  });
  const items = rows.slice(0, filter.limit);
  await recordAudit(deps.db, {
    actorId: staff.actor.userId,
    action: 'money_jobs.listed',
    targetType: 'money_job',
    targetId: '*',
    details: { status: filter.status ?? null, transactionId: filter.transactionId ?? null, count: items.length },
    requestId: staff.requestId,
  });
  return { items: items.map(presentMoneyJob), nextCursor: rows.length > filter.limit ? items[items.length - 1].id : null };
}

/**
 * POST /v1/admin/money-jobs/:id/retry — runs the intent again now. 404 for an unknown id; 409 when
 * it already succeeded (the money moved; nothing to re-run) or an attempt holds it right now.
 */
export async function retryMoneyJob(deps: StaffDeps, staff: Staff, id: string): Promise<MoneyJobView> {
  requirePermission(staff.actor, 'money_jobs:retry');
  const now = deps.clock.now();
  const retried = await deps.db.transaction().execute(async (trx) => {
    const intent = await moneyIntentsRepository.lock(trx, id);
    if (!intent) throw notFound('money job');
    if (intent.status === 'succeeded')
      throw conflict('money_job_succeeded', 'This money job already succeeded: the money moved, there is nothing to re-run.', { status: intent.status });
    if (intent.status === 'running' && intent.leaseUntil && intent.leaseUntil > now)
      throw conflict('money_job_running', 'An attempt of this money job is running right now.', { status: intent.status });
    const row = await moneyIntentsRepository.requestRetry(trx, id, now);
    const name = jobNameOfIntent(row.kind);
    await writeOutbox(trx, [jobFor(name, row.payload as never, { jobId: jobId('intent', row.id, 'retry', now.getTime()) })]);
    await recordAudit(trx, {
      actorId: staff.actor.userId,
      action: 'money_job.retried',
      targetType: 'money_job',
      targetId: row.id,
      details: { key: row.key, transactionId: row.transactionId, previousStatus: intent.status, attempts: intent.attempts, lastError: intent.lastError },
      requestId: staff.requestId,
    });
    return row;
  });
  return presentMoneyJob(retried);
}
