/**
 * The payments provider: the few Stripe operations escrow needs, as plain values. Every call that
 * creates something takes an idempotency key derived from our ids (`pay-<txId>`, `release-<txId>`,
 * …), never a random one, so a retry after a crash or a timeout finds the object the first attempt
 * made instead of making a second one.
 */

export type PaymentIntentStatus =
  'requires_payment_method' | 'requires_confirmation' | 'requires_action' | 'processing' | 'requires_capture' | 'canceled' | 'succeeded';

export interface PaymentIntentView {
  id: string;
  status: PaymentIntentStatus;
  amountCents: number;
  currency: string;
  clientSecret: string | null;
  latestChargeId: string | null;
  /** Our transaction id, from the intent's metadata. */
  transactionId: string | null;
  lastErrorCode: string | null;
}

export interface ConnectAccountView {
  id: string;
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
  /** Our user id, from the account's metadata. */
  userId: string | null;
}

export interface TransferView {
  id: string;
  amountCents: number;
  amountReversedCents: number;
  destination: string;
  transferGroup: string | null;
  sourceCharge: string | null;
  created: Date;
}

export interface ReversalView {
  id: string;
  transferId: string;
  amountCents: number;
  /** Our idempotency key, from metadata (finds the reversal again after its key expired at Stripe). */
  key: string | null;
}

export interface RefundView {
  id: string;
  amountCents: number;
  chargeId: string | null;
  paymentIntentId: string | null;
  status: string | null;
  key: string | null;
  transactionId: string | null;
  created: Date;
}

export interface ChargeView {
  id: string;
  amountCents: number;
  amountRefundedCents: number;
  status: string;
  paid: boolean;
  disputed: boolean;
  paymentIntentId: string | null;
  transferGroup: string | null;
  transactionId: string | null;
  created: Date;
}

export interface DisputeView {
  id: string;
  amountCents: number;
  chargeId: string;
  paymentIntentId: string | null;
  /** needs_response, under_review, won, lost, … */
  status: string;
  reason: string;
}

/** A verified webhook event: only what the receiver stores; handlers re-fetch the object. */
export interface WebhookEvent {
  id: string;
  type: string;
  objectId: string | null;
}

export interface PaymentIntentInput {
  buyerId: string;
  sellerId: string;
  listingId: string;
  description?: string;
  /**
   * The transaction's earlier intent this one replaces (it was cancelled at Stripe, so it can never
   * be paid): the key becomes `pay-<txId>-replaces-<oldId>`, so concurrent replacements of the same
   * intent get the same new one, and a later cancellation gets a fresh key again.
   */
  replaces?: string;
}

export interface TransferInput {
  transactionId: string;
  amountCents: number;
  destination: string;
  /** The charge that funds it (`source_transaction`), so the transfer never waits on the available balance. */
  sourceCharge: string;
}

export interface RefundInput {
  key: string;
  paymentIntentId: string;
  amountCents: number;
  transactionId: string;
  reason?: string;
}

export type StripeListKind = 'charges' | 'transfers' | 'refunds';

export interface Payments {
  /** An Express account for a seller; idempotent per user (`acct-<userId>`). */
  createConnectAccount(input: { userId: string; email?: string | null }): Promise<ConnectAccountView>;
  createAccountLink(accountId: string, urls: { refreshUrl: string; returnUrl: string }): Promise<{ url: string; expiresAt: Date }>;
  retrieveAccount(accountId: string): Promise<ConnectAccountView>;
  /** The PaymentIntent of a transaction (`pay-<txId>`, or a replacement's key; `transfer_group` = txId). */
  createPaymentIntent(transactionId: string, amountCents: number, input: PaymentIntentInput): Promise<PaymentIntentView>;
  retrievePaymentIntent(id: string): Promise<PaymentIntentView>;
  cancelPaymentIntent(id: string): Promise<PaymentIntentView>;
  /** The seller's payout (`release-<txId>`). */
  createTransfer(input: TransferInput): Promise<TransferView>;
  listTransfers(transferGroup: string): Promise<TransferView[]>;
  retrieveTransfer(id: string): Promise<TransferView>;
  createTransferReversal(transferId: string, amountCents: number, key: string, transactionId: string): Promise<ReversalView>;
  listTransferReversals(transferId: string): Promise<ReversalView[]>;
  createRefund(input: RefundInput): Promise<RefundView>;
  listRefunds(paymentIntentId: string): Promise<RefundView[]>;
  retrieveRefund(id: string): Promise<RefundView>;
  retrieveCharge(id: string): Promise<ChargeView>;
  listCharges(filter: { transferGroup?: string; paymentIntentId?: string }): Promise<ChargeView[]>;
  retrieveDispute(id: string): Promise<DisputeView>;
  /** Every object of a kind created since `since` (reconciliation). */
  listAll(kind: 'charges', since?: Date): AsyncIterable<ChargeView>;
  listAll(kind: 'transfers', since?: Date): AsyncIterable<TransferView>;
  listAll(kind: 'refunds', since?: Date): AsyncIterable<RefundView>;
  /** Verifies the signature (300 s tolerance) of a raw webhook body; throws WebhookSignatureError. */
  constructWebhookEvent(rawBody: Buffer | string, signature: string): WebhookEvent;
}

/**
 * A provider failure. `transient` (network, timeout, 5xx, rate limit, key in use) may succeed when
 * retried under the same key; `permanent` will not (a refused request: wrong state, no funds, …).
 */
export class PaymentsError extends Error {
  constructor(
    readonly kind: 'transient' | 'permanent',
    readonly code: string | undefined,
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'PaymentsError';
  }
}

export class WebhookSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}

export const isPaymentsError = (err: unknown): err is PaymentsError => err instanceof PaymentsError;
export const isPermanent = (err: unknown, code?: string): boolean =>
  isPaymentsError(err) && err.kind === 'permanent' && (code === undefined || err.code === code);

/** Stripe's currency for every Biddt amount (CAD, SPEC §1). */
export const CURRENCY = 'cad';
