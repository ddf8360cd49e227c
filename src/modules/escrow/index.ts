/** Public surface of the escrow (payments core) module. */
export { payForTransaction, type PayAnswer } from './pay';
export { syncPaymentIntent, type PaymentOutcome } from './fund-payment';
export { releaseEscrow, type ReleaseOutcome } from './release-escrow';
export { refundEscrow, type RefundInput, type RefundOutcome } from './refund-escrow';
export { enforcePaymentDeadline, remindPayment, RetryLater } from './payment-deadline';
export { recordChargeback, closeChargeback, type ChargebackDisputes, type ChargebackOutcome } from './chargebacks';
export { recordStaffWork, transactionUpdate } from './escrow.repository';
export { sweepEscrow } from './escrow-sweep';
export type { CrashHook, CrashPoint } from './crash-points';
