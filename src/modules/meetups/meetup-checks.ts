import type { Meetup, Transaction } from '../../../db/schema';
import { conflict, unprocessable } from '../../shared/errors';
import { formatHoursText, isOpenAt, type SafeZone } from '../safe-zones';

/** A meetup is arranged while the money is held and the goods have not changed hands yet. */
export function assertArrangeable(tx: Transaction): void {
  if (tx.status !== 'in_escrow') {
    throw conflict('transaction_not_in_escrow', `A meetup is arranged while the transaction is in escrow; it is ${tx.status}.`);
  }
  if (tx.verifiedAt) throw conflict('already_verified', 'The goods were already handed over.');
}

/** A proposed time must be in the future: names the `startsAt` the proposer sent. */
export function assertFuture(startsAt: Date, now: Date): void {
  if (startsAt.getTime() <= now.getTime()) {
    throw unprocessable('meetup_in_past', 'A meetup must be in the future.', {
      errors: [{ field: 'startsAt', message: 'must be in the future' }],
    });
  }
}

/**
 * The proposal being accepted must still be ahead. Its time is the meetup's state, not a field of the
 * (bodiless) accept request: no `errors` entry, the time it was set for as an extension instead.
 */
export function assertProposalStillAhead(startsAt: Date, now: Date): void {
  if (startsAt.getTime() <= now.getTime()) {
    throw unprocessable('meetup_in_past', 'The proposed meetup time has passed: propose a new one.', { startsAt: startsAt.toISOString() });
  }
}

/** A proposed zone must take meetups: names the `safeZoneId` the proposer sent. */
export function assertZoneActive(zone: SafeZone | undefined): asserts zone is SafeZone {
  if (!zone || !zone.active) {
    throw unprocessable('safe_zone_unavailable', 'That safe zone does not exist or no longer takes meetups.', {
      errors: [{ field: 'safeZoneId', message: 'is not an active safe zone' }],
    });
  }
}

/**
 * A meetup before the sale goes to support unverified (SPEC §3: a dispute opens by itself that long
 * after payment): one set later would be met by a case already frozen for staff.
 */
export function assertBeforeEscalation(tx: Pick<Transaction, 'paidAt' | 'createdAt'>, startsAt: Date, escalationSec: number): void {
  const deadline = new Date((tx.paidAt ?? tx.createdAt).getTime() + escalationSec * 1000);
  if (startsAt.getTime() <= deadline.getTime()) return;
  const message = `must be no later than ${deadline.toISOString()}, when a sale still not handed over goes to support`;
  throw unprocessable('meetup_too_late', `The meetup is too late: it ${message}.`, { errors: [{ field: 'startsAt', message }] });
}

/** The zone's hours as text when it is closed at `at`, judged in its own time zone; undefined when open or its hours are not known. */
function hoursIfClosedAt(zone: SafeZone, at: Date): string | undefined {
  if (isOpenAt(zone.hours, zone.timezone, at) !== false) return undefined;
  const open = formatHoursText(zone.hours);
  return `${open ? `open ${open}` : 'closed every day'}, ${zone.timezone} time`;
}

/**
 * A meetup is at a time the zone is open, judged in the zone's own time zone (a library at 21:00 is a
 * locked door, not a safe zone). Zones whose hours are not known take any time. Names the `startsAt` the proposer sent.
 */
export function assertZoneOpenAt(zone: SafeZone, startsAt: Date): void {
  const hours = hoursIfClosedAt(zone, startsAt);
  if (hours === undefined) return;
  throw unprocessable('safe_zone_closed', `${zone.name} is closed at that time (${hours}).`, {
    errors: [{ field: 'startsAt', message: `the safe zone is closed then (${hours})` }],
  });
}

/**
 * The zone of the proposal being accepted must still take it: deactivated, or its hours changed so it is
 * closed then, since the proposal. Like `assertProposalStillAhead`: the zone and time are the meetup's
 * state, not fields of the (bodiless) accept request, so no `errors` entry, extension members instead.
 */
export function assertProposedZoneStillUsable(
  zone: SafeZone | undefined,
  meetup: Pick<Meetup, 'safeZoneId' | 'startsAt'>,
): asserts zone is SafeZone {
  if (!zone || !zone.active) {
    throw unprocessable('safe_zone_unavailable', 'The proposed safe zone no longer takes meetups: propose another one.', {
      safeZoneId: meetup.safeZoneId,
    });
  }
  const hours = hoursIfClosedAt(zone, meetup.startsAt);
  if (hours === undefined) return;
  throw unprocessable('safe_zone_closed', `${zone.name} is closed at the proposed time (${hours}): propose another one.`, {
    safeZoneId: meetup.safeZoneId,
    startsAt: meetup.startsAt.toISOString(),
  });
}
