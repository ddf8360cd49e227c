import { created, defineRoute } from '../../http/route';
import { TransactionIdParams } from '../transactions';
import { presentDispute, type DisputeRow } from './disputes.presenter';
import { DisputeSchema, OpenDisputeBody } from './disputes.schemas';
import { openPartyDispute } from './open-party-dispute';

/** A party opens a dispute; staff work them under /v1/admin/disputes (admin module). */
export const disputeRoutes = [
  defineRoute(
    {
      method: 'post',
      path: '/v1/transactions/:id/dispute',
      summary: 'Open a dispute: the escrow is frozen until support decides (buyer or seller)',
      tags: ['disputes'],
      params: TransactionIdParams,
      body: OpenDisputeBody,
      idempotent: true,
      responses: {
        201: { description: 'The open dispute', schema: DisputeSchema },
        403: { description: 'not_a_party' },
        404: { description: 'No such transaction, or not yours' },
        409: {
          description:
            'transaction_not_in_escrow, already_verified, dispute_already_open, dispute_decided (decided, the money not yet settled)',
        },
      },
    },
    async (deps, { actor, params, body, requestId, idempotency }) => {
      const replyFor = (dispute: DisputeRow) => created(presentDispute(dispute));
      // The reply commits with the dispute: a retry after a crash gets this 201, not dispute_already_open.
      return replyFor(
        await openPartyDispute(deps, { actor, requestId }, params.id, body, (trx, dispute) => idempotency.storeIn(trx, replyFor(dispute))),
      );
    },
  ),
];
