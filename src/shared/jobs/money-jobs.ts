import type { JobInput, RELEASE_REASONS } from './catalogue';
import { jobId } from './queues';
import { jobFor, type OutboxJob } from '../outbox';

/**
 * Jobs that move money. Each is queued through the outbox in the same database transaction as the
 * decision that implies it, and each handler is idempotent (Stripe idempotency keys derived from our
 * ids: `release-<txId>`, `refund-<txId>-<disputeId>`, stored Stripe ids, conditional updates), so a
 * crash anywhere moves money exactly once. Job ids only dedupe a burst of re-publications; the
 * guarantee lives in PostgreSQL and in Stripe's idempotency keys.
 */
export type ReleaseReason = (typeof RELEASE_REASONS)[number];

/** SPEC §7: the buyer is reminded (SMS) this long before the payment deadline. */
export const PAYMENT_REMINDER_LEAD_MS = 6 * 3600 * 1000;

/**
 * Transfer the seller's payout (amount − refunds − fees) and mark the transaction released.
 * `discriminator` (e.g. the dispute id) keeps a later release of the same transaction from being
 * mistaken for an earlier, already completed job.
 */
export function releaseJob(transactionId: string, reason: ReleaseReason, discriminator?: string): OutboxJob<'escrow.release'> {
  return jobFor('escrow.release', { transactionId, reason }, { jobId: jobId('release', transactionId, reason, ...(discriminator ? [discriminator] : [])) });
}

/** Refund the buyer `amountCents` (full or partial) as a dispute resolution. */
export function refundJob(transactionId: string, amountCents: number, disputeId: string): OutboxJob<'escrow.refund'> {
  return jobFor('escrow.refund', { transactionId, amountCents, disputeId }, { jobId: jobId('refund', transactionId, disputeId) });
}

/**
 * Refund in full a payment nobody owes us (SPEC §3): the late payment of a cancelled transaction, or
 * an extra PaymentIntent paid on a transaction no longer payable. Its intent is keyed like the refund.
 */
export function paymentRefundJob(data: JobInput<'escrow.payment_refund'>): OutboxJob<'escrow.payment_refund'> {
  return jobFor('escrow.payment_refund', data, { jobId: jobId('payment-refund', data.paymentIntentId) });
}

/** Process a stored Stripe webhook event (the handler re-fetches the object before acting). */
export function stripeEventJob(eventId: string): OutboxJob<'escrow.stripe_event'> {
  return jobFor('escrow.stripe_event', { eventId }, { jobId: jobId('stripe-event', eventId) });
}

/** At the payment deadline: cancel the PaymentIntent, then the transaction (buyer strike). */
export function paymentDeadlineJob(transactionId: string, paymentDueAt: Date): OutboxJob<'escrow.payment_deadline'> {
  return jobFor('escrow.payment_deadline', { transactionId }, { jobId: jobId('payment-deadline', transactionId), runAt: paymentDueAt.getTime() });
}

/** Six hours before the deadline: remind the buyer (in-app, push and SMS). */
export function paymentReminderJob(transactionId: string, paymentDueAt: Date): OutboxJob<'escrow.payment_reminder'> {
  return jobFor(
    'escrow.payment_reminder',
    { transactionId },
    { jobId: jobId('payment-reminder', transactionId), runAt: paymentDueAt.getTime() - PAYMENT_REMINDER_LEAD_MS },
  );
}

/**
 * The delayed job that opens a dispute on a transaction still unverified `DISPUTE_ESCALATION_SEC`
 * after it entered escrow. Written to the outbox by whoever moves a transaction to `in_escrow` (the
 * payment webhook), in the same commit. Its handler re-checks everything under the row lock, so a
 * verified, disputed or refunded transaction is left alone; the sweep is the safety net.
 */
export function escalationJob(
  transactionId: string,
  inEscrowAt: Date,
  config: { timing: { disputeEscalationSec: number } },
): OutboxJob<'dispute.escalate'> {
  return jobFor(
    'dispute.escalate',
    { transactionId },
    { jobId: jobId('escalate', transactionId), runAt: inEscrowAt.getTime() + config.timing.disputeEscalationSec * 1000 },
  );
}
