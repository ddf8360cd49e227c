import { created, defineRoute, ok } from '../../http/route';
import { TransactionIdParams } from '../transactions';
import { acceptMeetup, proposeMeetup } from './arrange-meetup';
import { AcceptMeetupBody, MeetupSchema, ProposeMeetupBody } from './meetups.schemas';

const tags = ['meetups'];

/** Arranging where and when the parties meet for the handover (SPEC §9). */
export const meetupRoutes = [
  defineRoute(
    {
      method: 'post',
      path: '/v1/transactions/:id/meetup',
      summary: 'Propose a safe zone and a time to meet (replaces the current meetup)',
      tags,
      params: TransactionIdParams,
      body: ProposeMeetupBody,
      idempotent: true,
      responses: {
        201: { description: 'The proposal, now the current meetup', schema: MeetupSchema },
        403: { description: 'not_a_party: staff do not arrange meetups' },
        404: { description: 'No such transaction, or not yours' },
        409: { description: 'transaction_not_in_escrow, already_verified' },
        422: { description: 'meetup_in_past (startsAt), meetup_too_late (startsAt: after the unverified sale goes to support, 14 days after payment), safe_zone_closed (startsAt: outside the zone\'s hours, in its time zone), safe_zone_unavailable (safeZoneId: unknown or inactive)' },
      },
    },
    async (deps, { actor, params, body, requestId, idempotency }) => {
      const proposal = { safeZoneId: body.safeZoneId, startsAt: new Date(body.startsAt) };
      // The reply commits with the proposal: a retry after a crash gets this 201 rather than proposing again.
      return created(await proposeMeetup(deps, { actor, requestId }, params.id, proposal, (trx, meetup) => idempotency.storeIn(trx, created(meetup))));
    },
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/transactions/:id/meetup/accept',
      summary: "Accept the other party's proposed meetup (reminders 2 h and 15 min before)",
      tags,
      params: TransactionIdParams,
      body: AcceptMeetupBody,
      idempotent: true,
      responses: {
        200: { description: 'The accepted meetup', schema: MeetupSchema },
        403: { description: 'meetup_proposer: the other party accepts; not_a_party: staff' },
        404: { description: 'No such transaction, or not yours' },
        409: {
          description:
            'meetup_changed (the meetupId sent is no longer the current proposal: meetupId names the current one), no_meetup_proposed, meetup_already_accepted, transaction_not_in_escrow, already_verified',
        },
        422: { description: 'meetup_in_past (the proposed time has passed), safe_zone_closed (the zone\'s hours changed: closed then), safe_zone_unavailable (the zone was deactivated)' },
      },
    },
    // The reply commits with the acceptance: a retry after a crash gets this 200, not meetup_already_accepted.
    async (deps, { actor, params, body, requestId, idempotency }) =>
      ok(await acceptMeetup(deps, { actor, requestId }, params.id, body?.meetupId, (trx, meetup) => idempotency.storeIn(trx, ok(meetup)))),
  ),
];
