import type { Meetup } from '../../../db/schema';
import type { SafeZone } from '../safe-zones';
import type { MeetupView } from './meetups.schemas';

/** A current meetup with its zone, as the parties (and the `meetup_updated` event) see it. */
export function presentMeetup(meetup: Meetup, zone: SafeZone): MeetupView {
  if (meetup.status === 'superseded') throw new Error(`meetup ${meetup.id} is superseded: only the current one is shown`);
  return {
    id: meetup.id,
    safeZone: {
      id: zone.id,
      name: zone.name,
      address: zone.address,
      kind: zone.kind,
      lat: zone.lat,
      lng: zone.lng,
      phone: zone.phone,
      timezone: zone.timezone,
      active: zone.active,
    },
    startsAt: meetup.startsAt.toISOString(),
    status: meetup.status,
    proposedBy: meetup.proposedBy,
    acceptedAt: meetup.acceptedAt ? meetup.acceptedAt.toISOString() : null,
  };
}
