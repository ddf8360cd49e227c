import type { MoneyIntentKind } from '../../../db/schema';
import type { JobInput, JobName } from './catalogue';

/** The jobs whose effect is a durable money intent (a `money_intents` row written with the decision). */
export const MONEY_INTENT_JOBS = {
  'escrow.release': 'release',
  'escrow.refund': 'refund',
  'escrow.payment_refund': 'payment_refund',
} as const satisfies Partial<Record<JobName, MoneyIntentKind>>;
export type MoneyIntentJobName = keyof typeof MONEY_INTENT_JOBS;

export const isMoneyIntentJob = (name: string): name is MoneyIntentJobName => Object.hasOwn(MONEY_INTENT_JOBS, name);

/** The job that carries out an intent of this kind. */
export const jobNameOfIntent = (kind: MoneyIntentKind): MoneyIntentJobName =>
  (Object.keys(MONEY_INTENT_JOBS) as MoneyIntentJobName[]).find((name) => MONEY_INTENT_JOBS[name] === kind)!;

/**
 * The Stripe refund key of a late or extra payment, also its intent's key. Unchanged from when these
 * refunds were made inline by the webhook, so a refund made before intents existed is found again.
 */
export function paymentRefundKey(d: Pick<JobInput<'escrow.payment_refund'>, 'transactionId' | 'paymentIntentId' | 'reason'>): string {
  return d.reason === 'late_payment' ? `late-refund-${d.transactionId}` : `extra-payment-refund-${d.paymentIntentId}`;
}

/** The one payout intent of a transaction; also the Stripe transfer's idempotency key. */
export const releaseIntentKey = (transactionId: string): string => `release-${transactionId}`;

export interface MoneyIntentSpec {
  key: string;
  kind: MoneyIntentKind;
  transactionId: string;
  amountCents: number | null;
  payload: Record<string, unknown>;
}

/**
 * One intent per effect, named deterministically: a transaction has at most one payout
 * (`release-<txId>`, also the Stripe transfer's idempotency key) and one refund per refund decision
 * (`refund-<txId>-<disputeId>`, also the Stripe refund's key); a payment nobody owes us is refunded
 * once (`late-refund-<txId>` for a cancelled transaction's late payment, `extra-payment-refund-<piId>`
 * for any other). A second request for the same effect
 * (a wallet finished, a sweep, a duplicate decision) is the same row, woken up — never a second effect.
 */
export function moneyIntentOf<N extends MoneyIntentJobName>(name: N, data: JobInput<N>): MoneyIntentSpec {
  if (name === 'escrow.release') {
    const d = data as JobInput<'escrow.release'>;
    return { key: releaseIntentKey(d.transactionId), kind: 'release', transactionId: d.transactionId, amountCents: null, payload: { ...d } };
  }
  if (name === 'escrow.payment_refund') {
    const d = data as JobInput<'escrow.payment_refund'>;
    return { key: paymentRefundKey(d), kind: 'payment_refund', transactionId: d.transactionId, amountCents: d.amountCents, payload: { ...d } };
  }
  const d = data as JobInput<'escrow.refund'>;
  return {
    key: `refund-${d.transactionId}-${d.disputeId}`,
    kind: 'refund',
    transactionId: d.transactionId,
    amountCents: d.amountCents,
    payload: { ...d },
  };
}
