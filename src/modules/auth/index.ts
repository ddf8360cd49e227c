/** Public surface of the auth module: phone OTP sign-in, tokens and sessions. */

/** Token checks shared by every transport that takes an access token (HTTP bearer, socket handshake). */
export { actorFromToken, assertSessionUsable, verifiedActor } from './authenticate-token';
export { bearerToken } from './access-tokens';

/** Session revocation (built once by the composition root) and the socket room of a session. */
export { SessionRevocations, sessionRoom } from './revocations';

/**
 * Account deletion and restore, a change of role (SPEC §9): every session of a user ended at once; a
 * fresh session after a restore. A deletion reads the sessions to end in its transaction and ends them
 * after the commit and again through the outbox (`auth.end_sessions`), which survives a crash.
 */
export { endSessions, revokeEverySession, writeSessionsEnd } from './account-sessions';
export { logout, openSession } from './auth.service';

/** What is stored under a session (a push token) takes this lock first, so a logout cannot miss it. */
export { holdLiveSession } from './sessions';

/** Housekeeping of the module's tables (the maintenance job). */
export { deleteExpiredOtps } from './otp.repository';
