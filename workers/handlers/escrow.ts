import { z } from '../../src/shared/zod';
import { enforcePaymentDeadline, refundEscrow, releaseEscrow, remindPayment, sweepEscrow } from '../../src/modules/escrow';
import { processStripeEvent } from '../../src/modules/webhooks';
import type { JobHandler } from '../registry';

const TransactionJob = z.object({ transactionId: z.uuid() });
const ReleaseData = TransactionJob.extend({ reason: z.enum(['qr_verified', 'dispute_resolved']) });
const RefundData = TransactionJob.extend({ amountCents: z.number().int().positive(), disputeId: z.uuid() });
const StripeEventData = z.object({ eventId: z.string().min(1) });

/** Pays the seller once (idempotent under retries, crashes and duplicate jobs). */
export const release: JobHandler = async (deps, job) => {
  const data = ReleaseData.parse(job.data);
  return releaseEscrow(deps, data.transactionId, data.reason);
};

/** Refunds the buyer as a dispute decided (reversal first after a payout). */
export const refund: JobHandler = async (deps, job) => refundEscrow(deps, RefundData.parse(job.data));

/** Acts on a stored Stripe webhook event. */
export const stripeEvent: JobHandler = async (deps, job) => processStripeEvent(deps, StripeEventData.parse(job.data).eventId);

/** Cancels an unpaid transaction at its payment deadline. */
export const paymentDeadline: JobHandler = async (deps, job) => enforcePaymentDeadline(deps, TransactionJob.parse(job.data).transactionId);

/** Reminds the buyer six hours before the deadline. */
export const paymentReminder: JobHandler = async (deps, job) => remindPayment(deps, TransactionJob.parse(job.data).transactionId);

/** Safety net: overdue deadlines, unprocessed webhook events, payouts whose job was lost. */
export const sweep: JobHandler = async (deps) => sweepEscrow(deps);
