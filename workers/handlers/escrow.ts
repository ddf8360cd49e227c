import { enforcePaymentDeadline, remindPayment, runMoneyIntent, sweepEscrow } from '../../src/modules/escrow';
import { processStripeEvent } from '../../src/flows/process-stripe-event';
import type { JobHandler } from '../registry';

/** Pays the seller once: runs the payout's durable intent (idempotent under retries, crashes and duplicate jobs). */
export const release: JobHandler<'escrow.release'> = async (deps, payload) => runMoneyIntent(deps, 'escrow.release', payload);

/** Refunds the buyer as a dispute decided (reversal first after a payout): runs the refund's durable intent. */
export const refund: JobHandler<'escrow.refund'> = async (deps, payload) => runMoneyIntent(deps, 'escrow.refund', payload);

/** Refunds a late or extra payment (nobody owes it to us): runs the refund's durable intent. */
export const paymentRefund: JobHandler<'escrow.payment_refund'> = async (deps, payload) => runMoneyIntent(deps, 'escrow.payment_refund', payload);

/** Acts on a stored Stripe webhook event. */
export const stripeEvent: JobHandler<'escrow.stripe_event'> = async (deps, { eventId }) => processStripeEvent(deps, eventId);

/** Cancels an unpaid transaction at its payment deadline. */
export const paymentDeadline: JobHandler<'escrow.payment_deadline'> = async (deps, { transactionId }) => enforcePaymentDeadline(deps, transactionId);

/** Reminds the buyer six hours before the deadline. */
export const paymentReminder: JobHandler<'escrow.payment_reminder'> = async (deps, { transactionId }) => remindPayment(deps, transactionId);

/** Safety net: overdue deadlines, unprocessed webhook events, money intents due again or whose job was lost. */
export const sweep: JobHandler<'escrow.sweep'> = async (deps) => sweepEscrow(deps);
