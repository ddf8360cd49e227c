import type { Role } from '../../../db/schema';
import { created, defineRoute, ok } from '../../http/route';
import { DisputeIdParams, DisputeSchema, presentDispute, resolveDispute, ResolveDisputeBody, type DisputeRow } from '../disputes';
import { DisputeCaseSchema, StaffDisputePage, StaffDisputesQuery, StaffMessageBody, StaffMessageSchema } from './admin.schemas';
import { getDisputeCase, listDisputes, messageParties } from './dispute-cases';

const tags = ['admin'];
const staff: { roles: Role[] } = { roles: ['support', 'admin'] };
const forbidden = { 403: { description: 'staff_only, missing_permission' } };

export const adminDisputeRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/v1/admin/disputes',
      summary: 'The dispute queue (oldest first by default)',
      tags,
      ...staff,
      query: StaffDisputesQuery,
      responses: { 200: { description: 'A page of disputes', schema: StaffDisputePage }, ...forbidden },
    },
    async (deps, { actor, query, requestId }) =>
      ok(
        await listDisputes(
          deps,
          { actor, requestId },
          {
            status: query.status,
            source: query.source,
            handoverFlagged: query.flagged === undefined ? undefined : query.flagged === 'true',
            sort: query.sort,
            limit: query.limit,
            afterId: query.cursor,
          },
        ),
      ),
  ),
  defineRoute(
    {
      method: 'get',
      path: '/v1/admin/disputes/:id',
      summary: 'A dispute case: transaction, parties, timeline, chat and evidence (audited)',
      tags,
      ...staff,
      params: DisputeIdParams,
      responses: { 200: { description: 'The case', schema: DisputeCaseSchema }, ...forbidden, 404: { description: 'No such dispute' } },
    },
    async (deps, { actor, params, requestId }) => ok(await getDisputeCase(deps, { actor, requestId }, params.id)),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/admin/disputes/:id/resolve',
      summary: 'Decide a dispute: release to the seller, refund the buyer, or refund part of it',
      tags,
      ...staff,
      params: DisputeIdParams,
      body: ResolveDisputeBody,
      idempotent: true,
      responses: {
        200: { description: 'Resolved; the money job is queued', schema: DisputeSchema },
        403: { description: 'staff_only, missing_permission, party_cannot_resolve' },
        404: { description: 'No such dispute' },
        409: { description: 'dispute_not_open, chargeback_dispute, chargeback_funds_held (a chargeback holds funds: the refund must cover them), invalid_transaction_state' },
        422: { description: 'invalid_partial_refund, amount_not_allowed (field amountCents)' },
      },
    },
    async (deps, { actor, params, body, requestId, idempotency }) => {
      const replyFor = (dispute: DisputeRow) => ok(presentDispute(dispute));
      // The reply commits with the decision: a retry after a crash gets this 200, not dispute_not_open.
      return replyFor(
        await resolveDispute(deps, { actor, requestId }, params.id, body, (trx, resolved) => idempotency.storeIn(trx, replyFor(resolved))),
      );
    },
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/admin/disputes/:id/messages',
      summary: "A staff message to both parties in the transaction's chat while it is disputed (audited)",
      tags,
      ...staff,
      params: DisputeIdParams,
      body: StaffMessageBody,
      responses: {
        201: { description: 'Stored and sent to both parties', schema: StaffMessageSchema },
        403: { description: 'staff_only, missing_permission, party_cannot_act (staff who are a party to the transaction)' },
        404: { description: 'No such dispute' },
        409: { description: 'not_disputed, dispute_not_open (already decided)' },
      },
    },
    async (deps, { actor, params, body, requestId }) => created(await messageParties(deps, { actor, requestId }, params.id, body.content)),
  ),
];
