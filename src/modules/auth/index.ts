/** Public surface of the auth module: phone OTP sign-in, tokens and sessions. */

/** Token checks shared by every transport that takes an access token (HTTP bearer, socket handshake). */
export { actorFromToken, assertSessionUsable, verifiedActor } from './authenticate-token';
export { bearerToken } from './access-tokens';

/** Session revocation (built once by the composition root) and the socket room of a session. */
export { SessionRevocations, sessionRoom } from './revocations';

/**
 * Account deletion and restore, a change of role (SPEC §9): every session of a user ended at once; a
 * fresh session after a restore.
 */
export { revokeEverySession } from './account-sessions';
export { logout, openSession } from './auth.service';

/** Housekeeping of the module's tables (the maintenance job). */
export { deleteExpiredOtps } from './otp.repository';
