import { endSessions as endSessionsNow } from '../../src/modules/auth';
import type { JobHandler } from '../registry';

/** Ends the sessions an account deletion ended (again, when the api process already did: idempotent). */
export const endSessions: JobHandler<'auth.end_sessions'> = async (deps, { sessionIds, reason }) => endSessionsNow(deps, sessionIds, reason);
