import type { MoneyIntentStatus } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import type { CrashHook } from './crash-points';
import { AppError } from '../../shared/errors';
import { enqueue, jobId, type JobInput } from '../../shared/jobs';
import { jobNameOfIntent, moneyIntentOf, type MoneyIntentJobName } from '../../shared/jobs/money-intent-key';
import { moneyIntentsRepository, upsertMoneyIntents, type MoneyIntent } from '../../shared/money-intents.repository';
import type { ReleaseReason } from '../../shared/jobs/money-jobs';
import { refundEscrow, type RefundInput } from './refund-escrow';
import { releaseEscrow } from './release-escrow';
import { refundPayment, type PaymentRefundInput } from './refund-payment';

type IntentDeps = Pick<Platform, 'db' | 'payments' | 'logger' | 'clock' | 'config' | 'queues'> & { crashHook?: CrashHook };

/**
 * The first attempts of an intent are retried by BullMQ itself (half a second apart, as for any job):
 * a blip costs nothing. After these, each attempt queues the next one as a delayed job at the end of
 * its backoff; the escrow sweep re-drives any whose job Redis lost.
 */
const QUICK_ATTEMPTS = 3;

/** Outcomes that mean the effect happened (now or before). */
const DONE = new Set(['released', 'already_released', 'nothing_to_pay', 'refunded', 'already_refunded']);
/** Outcomes staff must see: the intent stays owed, listed as failing, and keeps being retried. */
const NEEDS_STAFF = new Set(['reversal_failed', 'blocked_by_chargeback']);

/** Capped exponential backoff: base, 2×base, 4×base… up to the cap — retries go on for days. */
export function backoffMs(attempts: number, config: Platform['config']['moneyIntents']): number {
  const exp = Math.min(attempts - 1, 40);
  return Math.min(config.backoffMaxMs, config.backoffBaseMs * 2 ** exp);
}

interface AttemptEnd {
  status: MoneyIntentStatus;
  outcome: string | null;
  error: string | null;
}

/** What an outcome leaves the intent in. */
function endOf(outcome: string): AttemptEnd {
  if (DONE.has(outcome)) return { status: 'succeeded', outcome, error: null };
  if (outcome === 'waiting_for_wallet') return { status: 'waiting_for_wallet', outcome, error: null };
  // The decision no longer applies (the transaction moved on); a new request for the effect wakes it.
  if (outcome === 'not_ready') return { status: 'skipped', outcome, error: null };
  // A payout of the same transaction is being made: the refund runs again after it (backoff), to reverse it first.
  if (outcome === 'release_in_flight') return { status: 'pending', outcome, error: null };
  if (NEEDS_STAFF.has(outcome)) return { status: 'failing', outcome, error: outcome };
  return { status: 'pending', outcome, error: `unexpected outcome ${outcome}` };
}

/** A refused decision (422) can only succeed after a human looks: failing at once, still retried. */
const isPermanentError = (err: unknown): boolean => err instanceof AppError && err.kind === 'unprocessable';

async function carryOut(deps: IntentDeps, intent: MoneyIntent): Promise<string> {
  const payload = intent.payload as Record<string, unknown>;
  if (intent.kind === 'release') return releaseEscrow(deps, String(payload.transactionId), payload.reason as ReleaseReason);
  if (intent.kind === 'payment_refund') return refundPayment(deps, payload as unknown as PaymentRefundInput);
  return refundEscrow(deps, payload as unknown as RefundInput);
}

/** Claims the intent of this job, creating it if the job came without one (queued by hand or before intents existed). */
async function claimFor(deps: IntentDeps, key: string, spec: Parameters<typeof upsertMoneyIntents>[1][number]): Promise<MoneyIntent | string> {
  const lease = deps.config.moneyIntents.leaseMs;
  const claimed = await moneyIntentsRepository.claim(deps.db, key, deps.clock.now(), lease);
  if (claimed) return claimed;
  const row = await moneyIntentsRepository.findByKey(deps.db, key);
  if (row) return row.status === 'running' ? 'in_progress' : row.status === 'succeeded' ? 'already_done' : `intent_${row.status}`;
  await deps.db.transaction().execute((trx) => upsertMoneyIntents(trx, [spec]));
  return (await moneyIntentsRepository.claim(deps.db, key, deps.clock.now(), lease)) ?? 'in_progress';
}

/**
 * Runs one money intent (the `escrow.release` / `escrow.refund` / `escrow.payment_refund` job handler): claim the row (a
 * lease, so a duplicate job or the sweep racing this one does nothing), carry the effect out (its
 * Stripe idempotency key derives from the intent, so a second execution after a crash finds the
 * first one's result), then record the outcome — succeeded, parked, or due again after a capped
 * exponential backoff, `failing` past the threshold. The row, not the job, is the truth.
 */
export async function runMoneyIntent<N extends MoneyIntentJobName>(deps: IntentDeps, name: N, data: JobInput<N>): Promise<string> {
  const spec = moneyIntentOf(name, data);
  const claim = await claimFor(deps, spec.key, spec);
  if (typeof claim === 'string') return claim;
  const settings = deps.config.moneyIntents;
  let end: AttemptEnd;
  let failure: unknown;
  try {
    end = endOf(await carryOut(deps, claim));
  } catch (err) {
    failure = err;
    const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    end = { status: isPermanentError(err) ? 'failing' : 'pending', outcome: null, error };
  }
  if (end.status === 'pending' && claim.attempts >= settings.failingAfterAttempts) end.status = 'failing';
  const now = deps.clock.now();
  const nextAttemptAt = new Date(now.getTime() + backoffMs(claim.attempts, settings));
  await moneyIntentsRepository.finish(deps.db, claim, { ...end, nextAttemptAt }, now);
  if (end.status === 'failing')
    deps.logger.error({ intentId: claim.id, key: claim.key, attempts: claim.attempts, error: end.error }, 'money intent failing: staff can see and retry it');
  // A thrown attempt among the first few lets BullMQ retry at once; later ones wake at their backoff.
  if (failure !== undefined && claim.attempts < QUICK_ATTEMPTS) throw failure;
  if (end.status === 'pending' || end.status === 'failing') await wakeAt(deps, claim, nextAttemptAt, now);
  return end.outcome ?? 'retry_scheduled';
}

/**
 * Queues the intent's next attempt for when its backoff ends (one job per attempt: the id carries the
 * attempt count). If Redis refuses it, the escrow sweep finds the row due and queues it instead.
 */
async function wakeAt(deps: IntentDeps, claim: MoneyIntent, nextAttemptAt: Date, now: Date): Promise<void> {
  const delay = Math.max(0, nextAttemptAt.getTime() - now.getTime());
  await enqueue(deps.queues, jobNameOfIntent(claim.kind), claim.payload as never, { jobId: jobId('intent', claim.id, claim.attempts, 'wake'), delay }).catch(
    (err: unknown) => deps.logger.warn({ intentId: claim.id, err }, 'next attempt of a money intent not queued; the escrow sweep will'),
  );
}
