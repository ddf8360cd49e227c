/** Public surface of the meetups module (routes are mounted by src/routes.ts from meetups.routes.ts). */
export { acceptMeetup, proposeMeetup, type MeetupProposal } from './arrange-meetup';
export { currentMeetupView } from './meetup-views';
/** Run by the safe-zone deactivation flow, in its transaction. */
export { MEETUP_ZONE_CLOSED_EVENT, tellPartiesZoneClosed } from './zone-closed';
export { sendMeetupReminder, type ReminderOutcome } from './meetup-reminders';
export { REMINDER_LEAD_MS, type MeetupReminderKind } from './meetup-messages';
export { HANDOVER_FLAG_DISTANCE_M, HANDOVER_FLAGGED_EVENT, recordHandoverPosition, type ScanPosition } from './handover-location';
export { MeetupSchema, type MeetupView } from './meetups.schemas';
export type { MeetupDeps, MeetupReminderDeps } from './meetups.deps';
/** The meetups a user proposed, for a privacy access request (SPEC §9 export). */
export { meetupsProposedBy } from './meetups.repository';
