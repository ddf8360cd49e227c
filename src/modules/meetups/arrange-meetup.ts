import type { Trx } from '../../../db/connection';
import type { Meetup, Transaction } from '../../../db/schema';
import type { Ctx } from '../../shared/context';
import { conflict, forbidden, notFound } from '../../shared/errors';
import { writeOutbox } from '../../shared/outbox';
import { findSafeZone, findSafeZoneForShare } from '../safe-zones';
import { assertPartyRole, findTransaction, lockTransaction, recordTransactionEvent } from '../transactions';
import {
  assertArrangeable,
  assertBeforeEscalation,
  assertFuture,
  assertProposalStillAhead,
  assertProposedZoneStillUsable,
  assertZoneActive,
  assertZoneOpenAt,
} from './meetup-checks';
import { meetupUpdated, reminderJobs } from './meetup-messages';
import type { MeetupDeps } from './meetups.deps';
import { presentMeetup } from './meetups.presenter';
import { meetupsRepository } from './meetups.repository';
import type { MeetupView } from './meetups.schemas';

export interface MeetupProposal {
  safeZoneId: string;
  startsAt: Date;
}

/** Only the parties arrange a meetup: a stranger gets 404 (it stays hidden), staff 403. */
async function assertParty(deps: MeetupDeps, ctx: Ctx, transactionId: string): Promise<void> {
  assertPartyRole(ctx.actor, await findTransaction(deps.db, transactionId), 'party');
}

/** The transaction under its row lock, in a state that takes meetups (409 otherwise). */
async function lockedArrangeable(trx: Trx, transactionId: string): Promise<Transaction> {
  const tx = await lockTransaction(trx, transactionId);
  if (!tx) throw notFound('transaction');
  assertArrangeable(tx);
  return tx;
}

/** Runs last in a meetup's transaction, so what it writes (the caller's answer for a retry) commits with the meetup or not at all. */
export type BeforeMeetupCommit = (trx: Trx, meetup: MeetupView) => Promise<void>;

/**
 * POST /transactions/:id/meetup — either party proposes a zone and a time when it is open; the
 * proposal replaces the current meetup (accepted or not), whose reminders then find it superseded and stay silent. The
 * meetup, the timeline entry and the room event commit together, under the transaction's row lock.
 */
export async function proposeMeetup(
  deps: MeetupDeps,
  ctx: Ctx,
  transactionId: string,
  proposal: MeetupProposal,
  beforeCommit?: BeforeMeetupCommit,
): Promise<MeetupView> {
  await assertParty(deps, ctx, transactionId);
  assertFuture(proposal.startsAt, deps.clock.now());
  const zone = await findSafeZone(deps.db, proposal.safeZoneId);
  assertZoneActive(zone);
  assertZoneOpenAt(zone, proposal.startsAt);
  return deps.db.transaction().execute(async (trx) => {
    // Again under the zone's share lock: a deactivation committed since the check above refuses this
    // proposal, and one in progress waits and then tells these parties (it finds the new meetup). Taken
    // before the transaction's lock, in the order a deactivation takes them (zone, then the transactions
    // its timeline entries refer to), so that the two cannot deadlock.
    assertZoneActive(await findSafeZoneForShare(trx, zone.id));
    const tx = await lockedArrangeable(trx, transactionId);
    assertBeforeEscalation(tx, proposal.startsAt, deps.config.timing.disputeEscalationSec);
    await meetupsRepository.supersedeCurrent(trx, tx.id);
    const meetup = await meetupsRepository.insert(trx, { transactionId: tx.id, safeZoneId: zone.id, startsAt: proposal.startsAt, proposedBy: ctx.actor.userId });
    const view = presentMeetup(meetup, zone);
    await recordTransactionEvent(trx, tx.id, 'meetup_proposed', timelineData(meetup, zone.name), ctx.actor.userId);
    await writeOutbox(trx, [meetupUpdated(tx.id, view)]);
    await beforeCommit?.(trx, view);
    return view;
  });
}

/**
 * POST /transactions/:id/meetup/accept — the other party accepts the current proposal (the proposer
 * cannot: 403; nothing proposed: 409). With `seenMeetupId` (the proposal the user is looking at), a
 * proposal replaced meanwhile is refused (409 meetup_changed) rather than accepting a place and time the
 * user never saw; the check is made under the transaction's row lock, which every proposal also takes.
 * Without it, the proposal current when the request arrived is the one accepted (a replacement landing
 * during this very accept is refused the same way). Schedules the reminders 2 h and 15 min before it.
 */
export async function acceptMeetup(
  deps: MeetupDeps,
  ctx: Ctx,
  transactionId: string,
  seenMeetupId?: string,
  beforeCommit?: BeforeMeetupCommit,
): Promise<MeetupView> {
  await assertParty(deps, ctx, transactionId);
  const expectedId = seenMeetupId ?? (await meetupsRepository.current(deps.db, transactionId))?.id;
  return deps.db.transaction().execute(async (trx) => {
    // The expected proposal's zone under a share lock, before the transaction's lock (the order a
    // deactivation takes them in, so the two cannot deadlock): a deactivation in progress is decided
    // first (then refused below) or waits for this commit (then tells the parties of the accepted meetup).
    const expected = expectedId ? await meetupsRepository.findById(trx, expectedId) : undefined;
    const zone = expected ? await findSafeZoneForShare(trx, expected.safeZoneId) : undefined;
    const tx = await lockedArrangeable(trx, transactionId);
    const current = await meetupsRepository.current(trx, tx.id);
    if (!current) throw conflict('no_meetup_proposed', 'Nothing has been proposed yet: propose a meetup first.');
    if (expectedId !== current.id) {
      throw conflict('meetup_changed', 'The proposal was replaced meanwhile: look at the new one before accepting it.', { meetupId: current.id });
    }
    if (current.status === 'accepted') throw conflict('meetup_already_accepted', 'This meetup was already accepted.');
    if (current.proposedBy === ctx.actor.userId) {
      throw forbidden('meetup_proposer', 'The other party accepts a meetup; you proposed this one.');
    }
    assertProposalStillAhead(current.startsAt, deps.clock.now());
    // Deactivated, or its hours changed, since the proposal (`zone` is the current proposal's: same row).
    assertProposedZoneStillUsable(zone, current);
    const accepted = await meetupsRepository.accept(trx, current.id);
    if (!accepted) throw conflict('no_meetup_proposed', 'The proposal changed meanwhile: look at the transaction again.');
    const view = presentMeetup(accepted, zone);
    await recordTransactionEvent(trx, tx.id, 'meetup_accepted', timelineData(accepted, zone.name), ctx.actor.userId);
    await writeOutbox(trx, [meetupUpdated(tx.id, view), ...reminderJobs(accepted, deps.clock.now())]);
    await beforeCommit?.(trx, view);
    return view;
  });
}

const timelineData = (meetup: Meetup, zoneName: string) => ({
  meetupId: meetup.id,
  safeZoneId: meetup.safeZoneId,
  safeZoneName: zoneName,
  startsAt: meetup.startsAt.toISOString(),
});
