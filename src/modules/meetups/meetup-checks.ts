import type { Transaction } from '../../../db/schema';
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

/**
 * A meetup is at a time the zone is open, judged in the zone's own time zone (a library at 21:00 is a
 * locked door, not a safe zone). Zones whose hours are not known take any time.
 */
export function assertZoneOpenAt(zone: SafeZone, startsAt: Date): void {
  if (isOpenAt(zone.hours, zone.timezone, startsAt) !== false) return;
  const hours = formatHoursText(zone.hours) || 'closed every day';
  throw unprocessable('safe_zone_closed', `${zone.name} is closed at that time (open ${hours}, ${zone.timezone} time).`, {
    errors: [{ field: 'startsAt', message: `the safe zone is closed then (open ${hours}, ${zone.timezone} time)` }],
  });
}
