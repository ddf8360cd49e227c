import type { Transaction } from '../../../db/schema';
import { defineRoute, ok } from '../../http/route';
import { presentTransactionDetail } from '../../flows/transaction-detail';
import { TransactionDetailSchema } from '../../flows/transaction-detail.schemas';
import { TransactionIdParams } from '../transactions';
import { PickupCodeSchema, VerifyPickupBody } from './handover.schemas';
import { issuePickupCode } from './pickup-code';
import { verifyPickup } from './verify-pickup';

const tags = ['handover'];

/** The meetup: the buyer shows a QR code, the seller scans it, and the escrow is released. */
export const handoverRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/v1/transactions/:id/qr',
      summary: 'A fresh single-use pickup code for the buyer to show (voids earlier codes)',
      tags,
      params: TransactionIdParams,
      responses: {
        200: { description: 'The code and its QR image', schema: PickupCodeSchema },
        403: { description: 'not_buyer: only the buyer shows the code' },
        404: { description: 'No such transaction, or not yours' },
        409: {
          description: 'transaction_not_in_escrow, dispute_open, dispute_decided (decided, the money not yet settled), already_verified',
        },
      },
    },
    async (deps, { actor, params, requestId }) => ok(await issuePickupCode(deps, { actor, requestId }, params.id)),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/transactions/:id/verify',
      summary: "The seller redeems the buyer's pickup code; the escrow release is queued",
      tags,
      params: TransactionIdParams,
      body: VerifyPickupBody,
      idempotent: true,
      responses: {
        200: { description: 'Verified; the release is on its way', schema: TransactionDetailSchema },
        403: { description: 'not_seller: only the seller redeems the code' },
        404: { description: 'No such transaction, or not yours' },
        409: { description: 'transaction_not_in_escrow, dispute_open, dispute_decided (decided, the money not yet settled)' },
        422: { description: 'invalid_pickup_token: unknown, expired, used, replaced, or for another transaction' },
      },
    },
    async (deps, { actor, params, body, requestId, idempotency }) => {
      const position = body.lat != null && body.lng != null ? { lat: body.lat, lng: body.lng } : undefined;
      // None is open on a transaction the scan verifies (a 409 otherwise): the detail carries no dispute.
      const replyFor = (tx: Transaction) => ok(presentTransactionDetail(tx, actor, undefined));
      // The reply commits with the scan: a retry after a crash gets this 200, not invalid_pickup_token.
      return replyFor(
        await verifyPickup(deps, { actor, requestId }, params.id, body.token, position, (trx, tx) =>
          idempotency.storeIn(trx, replyFor(tx)),
        ),
      );
    },
  ),
];
