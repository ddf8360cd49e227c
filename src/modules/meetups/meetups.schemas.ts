import { z } from '../../shared/zod';

export const ProposeMeetupBody = z
  .strictObject({
    safeZoneId: z.uuid(),
    startsAt: z.iso.datetime({ offset: true }).describe("When the parties meet (in the future, while the zone is open in its own time zone)"),
  })
  .openapi('ProposeMeetup');

/**
 * The accept's optional body: the proposal the user is looking at. A client that sends it cannot accept
 * a place and time it never saw when the proposer replaces the proposal meanwhile (409 meetup_changed).
 * Without it the current proposal is accepted, as before.
 */
export const AcceptMeetupBody = z
  .strictObject({
    meetupId: z.uuid().optional().describe('The id of the proposal being accepted (the Meetup id): refused with 409 meetup_changed if it is no longer the current one'),
  })
  .optional()
  .openapi('AcceptMeetup');

/** The zone as a meetup shows it: enough to find it and call it, its clock, and whether it still takes meetups. */
export const MeetupZoneSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    address: z.string(),
    kind: z.enum(['police_station', 'library', 'mall', 'other']),
    lat: z.number(),
    lng: z.number(),
    phone: z.string().nullable(),
    timezone: z.string().openapi({ description: "The zone's IANA time zone: show startsAt in it (the parties may be elsewhere)" }),
    active: z.boolean(),
  })
  .openapi('MeetupZone');

export const MeetupSchema = z
  .object({
    id: z.uuid(),
    safeZone: MeetupZoneSchema,
    startsAt: z.iso.datetime(),
    status: z.enum(['proposed', 'accepted']),
    proposedBy: z.uuid(),
    acceptedAt: z.iso.datetime().nullable(),
  })
  .openapi('Meetup');

export type MeetupView = z.infer<typeof MeetupSchema>;
