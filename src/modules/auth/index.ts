/** Public surface of the auth module: phone OTP sign-in, tokens and sessions. */
export { actorFromToken } from './authenticate-token';
export { bearerToken } from './access-tokens';
export { SessionRevocations, sessionRoom } from './revocations';
