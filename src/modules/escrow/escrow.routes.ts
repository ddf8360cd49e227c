import { defineRoute, ok } from '../../http/route';
import { payForTransaction } from './pay';
import { PayBody, PayResult, TransactionIdParams } from './escrow.schemas';

const tags = ['transactions'];

export const escrowRoutes = [
  defineRoute(
    {
      method: 'post',
      path: '/v1/transactions/:id/pay',
      summary: "The buyer's PaymentIntent for the transaction (the same one on every call, replaced only if it was cancelled at Stripe; confirm it on the device)",
      tags,
      params: TransactionIdParams,
      body: PayBody,
      idempotent: true,
      responses: {
        200: { description: 'The PaymentIntent to confirm', schema: PayResult },
        403: { description: 'not_buyer (the seller)' },
        404: { description: 'Not your transaction' },
        409: { description: 'already_paid, transaction_cancelled or payment_deadline_passed' },
        422: { description: 'amount_mismatch, or idempotency_key_reused' },
        503: { description: 'payments_unavailable (retry)' },
      },
    },
    async (deps, { actor, params, body }) => ok(await payForTransaction(deps, actor, params.id, body.expectedAmountCents)),
  ),
];
