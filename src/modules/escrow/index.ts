/** Public surface of the escrow (payments core) module. */

/** Paying, funding, releasing and refunding a transaction's escrow. */
export { payForTransaction, type PayAnswer } from './pay';
export { syncPaymentIntent, type PaymentOutcome } from './fund-payment';
export { releaseEscrow, confirmEarlierRelease, type ReleaseOutcome } from './release-escrow';
export { refundEscrow, type RefundInput, type RefundOutcome } from './refund-escrow';
/** The payment deadline and its reminder (job handlers). */
export { enforcePaymentDeadline, remindPayment, RetryLater } from './payment-deadline';
/** Chargeback money; the disputes side comes from the chargeback flow (src/flows/chargeback.ts). */
export { recordChargeback, closeChargeback, type ChargebackDisputes, type ChargebackOutcome } from './chargebacks';
/** Staff follow-up entries and the `transaction_update` event, shared with the chargeback flow. */
export { recordStaffWork, transactionUpdate } from './escrow.repository';
/** Durable money intents: the runner (job handlers) and the staff list / retry. */
export { runMoneyIntent } from './money-intents';
/** Safety-net sweep (job handler). */
export { sweepEscrow } from './escrow-sweep';
/** Crash points for the crash-recovery tests. */
export type { CrashHook, CrashPoint } from './crash-points';
