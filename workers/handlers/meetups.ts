import { sendMeetupReminder } from '../../src/modules/meetups';
import type { JobHandler } from '../registry';

/** Reminds both parties of an accepted meetup; a no-op for a replaced, moved or finished one. */
export const remind: JobHandler<'meetup.remind'> = async (deps, payload) => sendMeetupReminder(deps, payload);
