import Stripe from 'stripe';
import {
  CURRENCY,
  PaymentsError,
  WebhookSignatureError,
  type ChargeView,
  type ConnectAccountView,
  type DisputeView,
  type PaymentIntentInput,
  type PaymentIntentStatus,
  type PaymentIntentView,
  type Payments,
  type RefundInput,
  type RefundView,
  type ReversalView,
  type StripeListKind,
  type TransferInput,
  type TransferView,
  type WebhookEvent,
} from './payments';

/** The API version the installed SDK is typed to; pinned so a Stripe-side default change cannot surprise us. */
export const STRIPE_API_VERSION = '2026-10-28.endive' as const;
/** Stripe's signature tolerance: an event signed longer ago than this is refused (replay protection). */
export const WEBHOOK_TOLERANCE_SEC = 300;

export interface StripePaymentsOptions {
  secretKey: string;
  webhookSecret: string;
  /**
   * The Connect endpoint's secret: Stripe signs events of connected accounts on a separate endpoint
   * with its own secret, so a delivery signed with either secret is genuine.
   */
  connectWebhookSecret?: string;
  /** An origin (`http://127.0.0.1:12111`) to talk to instead of api.stripe.com: the local stand-in in development. */
  apiBase?: string;
  /** 0 in tests: a retry is our job (same idempotency key), not the SDK's. */
  maxNetworkRetries: number;
  timeoutMs: number;
}

const id = (v: string | { id: string } | null | undefined): string | null => (v == null ? null : typeof v === 'string' ? v : v.id);
const date = (unix: number) => new Date(unix * 1000);

function intentView(pi: Stripe.PaymentIntent): PaymentIntentView {
  return {
    id: pi.id,
    status: pi.status as PaymentIntentStatus,
    amountCents: pi.amount,
    currency: pi.currency,
    clientSecret: pi.client_secret,
    latestChargeId: id(pi.latest_charge),
    transactionId: pi.metadata?.transaction_id ?? null,
    lastErrorCode: pi.last_payment_error?.code ?? null,
  };
}

function accountView(a: Stripe.Account): ConnectAccountView {
  return {
    id: a.id,
    chargesEnabled: Boolean(a.charges_enabled),
    payoutsEnabled: Boolean(a.payouts_enabled),
    detailsSubmitted: Boolean(a.details_submitted),
    userId: a.metadata?.user_id ?? null,
  };
}

function transferView(t: Stripe.Transfer): TransferView {
  return {
    id: t.id,
    amountCents: t.amount,
    amountReversedCents: t.amount_reversed,
    destination: id(t.destination) ?? '',
    transferGroup: t.transfer_group ?? null,
    sourceCharge: id(t.source_transaction),
    created: date(t.created),
  };
}

function reversalView(r: Stripe.TransferReversal): ReversalView {
  return { id: r.id, transferId: id(r.transfer) ?? '', amountCents: r.amount, key: r.metadata?.key ?? null };
}

function refundView(r: Stripe.Refund): RefundView {
  return {
    id: r.id,
    amountCents: r.amount,
    chargeId: id(r.charge),
    paymentIntentId: id(r.payment_intent),
    status: r.status ?? null,
    key: r.metadata?.key ?? null,
    transactionId: r.metadata?.transaction_id ?? null,
    created: date(r.created),
  };
}

function chargeView(c: Stripe.Charge): ChargeView {
  return {
    id: c.id,
    amountCents: c.amount,
    amountRefundedCents: c.amount_refunded,
    status: c.status,
    paid: c.paid,
    disputed: c.disputed,
    paymentIntentId: id(c.payment_intent),
    transferGroup: c.transfer_group ?? null,
    transactionId: c.metadata?.transaction_id ?? null,
    created: date(c.created),
  };
}

function disputeView(d: Stripe.Dispute): DisputeView {
  return {
    id: d.id,
    amountCents: d.amount,
    chargeId: id(d.charge) ?? '',
    paymentIntentId: id(d.payment_intent),
    status: d.status,
    reason: d.reason,
  };
}

/** The SDK's host/port/protocol for an origin such as `http://127.0.0.1:12111`. */
function hostOptions(origin: string): { host: string; port: number; protocol: 'http' | 'https' } {
  const url = new URL(origin);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: Number(url.port) || (protocol === 'http' ? 80 : 443), protocol };
}

/** Maps SDK errors to PaymentsError: retrying can help (transient) or it cannot (permanent). */
function translate(err: unknown): never {
  if (!(err instanceof Stripe.errors.StripeError)) throw err;
  const status = err.statusCode;
  const transient =
    err instanceof Stripe.errors.StripeConnectionError ||
    err instanceof Stripe.errors.StripeAPIError ||
    err instanceof Stripe.errors.StripeRateLimitError ||
    status === 409 ||
    (status !== undefined && status >= 500);
  throw new PaymentsError(transient ? 'transient' : 'permanent', err.code ?? err.type, err.message, status);
}

async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    translate(err);
  }
}

/** The payments provider on the real `stripe` SDK — against Stripe, or the local stand-in. */
export class StripePayments implements Payments {
  private readonly stripe: Stripe;

  constructor(private readonly options: StripePaymentsOptions) {
    this.stripe = new Stripe(options.secretKey, {
      apiVersion: STRIPE_API_VERSION,
      maxNetworkRetries: options.maxNetworkRetries,
      timeout: options.timeoutMs,
      telemetry: false,
      appInfo: { name: 'biddt' },
      ...(options.apiBase ? hostOptions(options.apiBase) : {}),
    });
  }

  createConnectAccount(input: { userId: string; email?: string | null }): Promise<ConnectAccountView> {
    const params: Stripe.AccountCreateParams = {
      type: 'express',
      country: 'CA',
      capabilities: { transfers: { requested: true } },
      metadata: { user_id: input.userId },
      ...(input.email ? { email: input.email } : {}),
    };
    return call(async () => accountView(await this.stripe.accounts.create(params, { idempotencyKey: `acct-${input.userId}` })));
  }

  createAccountLink(accountId: string, urls: { refreshUrl: string; returnUrl: string }) {
    return call(async () => {
      const link = await this.stripe.accountLinks.create({
        account: accountId,
        type: 'account_onboarding',
        refresh_url: urls.refreshUrl,
        return_url: urls.returnUrl,
      });
      return { url: link.url, expiresAt: date(link.expires_at) };
    });
  }

  retrieveAccount(accountId: string) {
    return call(async () => accountView(await this.stripe.accounts.retrieve(accountId)));
  }

  createPaymentIntent(transactionId: string, amountCents: number, input: PaymentIntentInput) {
    const params: Stripe.PaymentIntentCreateParams = {
      amount: amountCents,
      currency: CURRENCY,
      transfer_group: transactionId,
      // Card-only escrow: no redirect-based methods, so a card confirmation never needs a return_url
      // (server-side confirms work; the mobile PaymentSheet still gets the client secret).
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      metadata: {
        transaction_id: transactionId,
        buyer_id: input.buyerId,
        seller_id: input.sellerId,
        listing_id: input.listingId,
        ...(input.replaces ? { replaces_payment_intent: input.replaces } : {}),
      },
      ...(input.description ? { description: input.description } : {}),
    };
    const idempotencyKey = input.replaces ? `pay-${transactionId}-replaces-${input.replaces}` : `pay-${transactionId}`;
    return call(async () => intentView(await this.stripe.paymentIntents.create(params, { idempotencyKey })));
  }

  retrievePaymentIntent(intentId: string) {
    return call(async () => intentView(await this.stripe.paymentIntents.retrieve(intentId)));
  }

  cancelPaymentIntent(intentId: string) {
    return call(async () =>
      intentView(
        await this.stripe.paymentIntents.cancel(intentId, { cancellation_reason: 'abandoned' }, { idempotencyKey: `cancel-${intentId}` }),
      ),
    );
  }

  createTransfer(input: TransferInput) {
    const params: Stripe.TransferCreateParams = {
      amount: input.amountCents,
      currency: CURRENCY,
      destination: input.destination,
      transfer_group: input.transactionId,
      source_transaction: input.sourceCharge,
      metadata: { transaction_id: input.transactionId },
    };
    return call(async () => transferView(await this.stripe.transfers.create(params, { idempotencyKey: `release-${input.transactionId}` })));
  }

  listTransfers(transferGroup: string) {
    return call(async () => (await this.stripe.transfers.list({ transfer_group: transferGroup, limit: 100 })).data.map(transferView));
  }

  retrieveTransfer(transferId: string) {
    return call(async () => transferView(await this.stripe.transfers.retrieve(transferId)));
  }

  createTransferReversal(transferId: string, amountCents: number, key: string, transactionId: string) {
    const params = { amount: amountCents, metadata: { key, transaction_id: transactionId } };
    return call(async () => reversalView(await this.stripe.transfers.createReversal(transferId, params, { idempotencyKey: key })));
  }

  listTransferReversals(transferId: string) {
    return call(async () => (await this.stripe.transfers.listReversals(transferId, { limit: 100 })).data.map(reversalView));
  }

  createRefund(input: RefundInput) {
    const params: Stripe.RefundCreateParams = {
      payment_intent: input.paymentIntentId,
      amount: input.amountCents,
      reason: 'requested_by_customer',
      metadata: { key: input.key, transaction_id: input.transactionId, ...(input.reason ? { biddt_reason: input.reason } : {}) },
    };
    return call(async () => refundView(await this.stripe.refunds.create(params, { idempotencyKey: input.key })));
  }

  listRefunds(paymentIntentId: string) {
    return call(async () => (await this.stripe.refunds.list({ payment_intent: paymentIntentId, limit: 100 })).data.map(refundView));
  }

  retrieveRefund(refundId: string) {
    return call(async () => refundView(await this.stripe.refunds.retrieve(refundId)));
  }

  retrieveCharge(chargeId: string) {
    return call(async () => chargeView(await this.stripe.charges.retrieve(chargeId)));
  }

  listCharges(filter: { transferGroup?: string; paymentIntentId?: string }) {
    const params: Stripe.ChargeListParams = {
      limit: 100,
      ...(filter.transferGroup ? { transfer_group: filter.transferGroup } : {}),
      ...(filter.paymentIntentId ? { payment_intent: filter.paymentIntentId } : {}),
    };
    return call(async () => (await this.stripe.charges.list(params)).data.map(chargeView));
  }

  retrieveDispute(disputeId: string) {
    return call(async () => disputeView(await this.stripe.disputes.retrieve(disputeId)));
  }

  listAll(kind: 'charges', since?: Date): AsyncIterable<ChargeView>;
  listAll(kind: 'transfers', since?: Date): AsyncIterable<TransferView>;
  listAll(kind: 'refunds', since?: Date): AsyncIterable<RefundView>;
  async *listAll(kind: StripeListKind, since?: Date): AsyncIterable<ChargeView | TransferView | RefundView> {
    const params = { limit: 100, ...(since ? { created: { gte: Math.floor(since.getTime() / 1000) } } : {}) };
    try {
      if (kind === 'charges') for await (const c of this.stripe.charges.list(params)) yield chargeView(c);
      if (kind === 'transfers') for await (const t of this.stripe.transfers.list(params)) yield transferView(t);
      if (kind === 'refunds') for await (const r of this.stripe.refunds.list(params)) yield refundView(r);
    } catch (err) {
      translate(err);
    }
  }

  constructWebhookEvent(rawBody: Buffer | string, signature: string): WebhookEvent {
    const event = this.verifiedEvent(rawBody, signature);
    const object = event.data?.object as { id?: unknown } | undefined;
    return { id: event.id, type: event.type, objectId: typeof object?.id === 'string' ? object.id : null };
  }

  /** The event, when its signature verifies with the platform secret or else the Connect secret. */
  private verifiedEvent(rawBody: Buffer | string, signature: string): Stripe.Event {
    const secrets = [this.options.webhookSecret, this.options.connectWebhookSecret].filter((s): s is string => Boolean(s));
    let firstError: unknown;
    for (const secret of secrets) {
      try {
        return this.stripe.webhooks.constructEvent(rawBody, signature, secret, WEBHOOK_TOLERANCE_SEC);
      } catch (err) {
        firstError ??= err;
      }
    }
    throw new WebhookSignatureError(firstError instanceof Error ? firstError.message : String(firstError));
  }
}
