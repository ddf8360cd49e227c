/** Public surface of the escrow (payments core) module. */
export { escrowRoutes } from './escrow.routes';
export { payForTransaction, paymentsUnavailable, type PayAnswer } from './pay';
export { syncPaymentIntent, type PaymentOutcome } from './fund-payment';
export { releaseEscrow, type ReleaseOutcome } from './release-escrow';
export { refundEscrow, type RefundInput, type RefundOutcome } from './refund-escrow';
export { enforcePaymentDeadline, remindPayment, RetryLater } from './payment-deadline';
export { recordChargeback, closeChargeback } from './chargebacks';
export { sweepEscrow } from './escrow-sweep';
export type { CrashHook, CrashPoint } from './crash-points';
