import type { Trx } from '../../../db/connection';
import type { Role, User } from '../../../db/schema';
import type { Actor } from '../../shared/context';
import type { Platform } from '../../shared/platform';
import { toProblem } from '../../shared/problem';
import { AppError, isAppError, unauthorized, unprocessable } from '../../shared/errors';
import { isOutage } from '../../shared/outage';
import { socketEmitter } from '../../shared/socket-emitter';
import {
  findOrCreateUserByPhone,
  findRestorableAccountByPhone,
  findUserById,
  inheritPhoneStanding,
  lockAccountsOfPhone,
  phoneStandingKey,
  presentSelf,
  restoreCutoff,
} from '../users';
import { recordSystemAudit } from '../audit';
import { signAccessToken } from './access-tokens';
import { applyDevStaffRole } from './dev-staff';
import { phoneCountryNotSupported, smsCountryAllowed, smsUnavailable } from '../../providers/sms/guarded-sms';
import { identityErrorOutcome } from '../../providers/identity/firebase-identity';
import { consumeOtp, issueOtp } from './otp';
import { DEFAULT_LOCALE, type Locale } from '../../shared/locale';
import { deleteSessionDevices, isSmsOptedOut, otpText, recordSmsOptOut, smsOptedOut } from '../notifications';
import { SmsProviderUnavailable, SmsRecipientInvalid, SmsRecipientOptedOut } from '../../providers/sms/sms';
import { sessionRoom, type SessionRevocations } from './revocations';
import { revokeFamily, rotateSession, startSession } from './sessions';

type AuthDeps = Pick<Platform, 'db' | 'redis' | 'config' | 'clock' | 'logger' | 'rateLimits' | 'sms' | 'identity'> & { revocations: SessionRevocations };

const otpOptions = (deps: AuthDeps) => ({
  secret: deps.config.auth.otpSecret,
  ttlSec: deps.config.auth.otpTtlSec,
  maxAttempts: deps.config.auth.otpMaxAttempts,
  testCodes: deps.config.auth.testPhoneCodes,
});

const accessOptions = (deps: Pick<Platform, 'config'>) => ({
  secret: deps.config.auth.jwtSecret,
  issuer: deps.config.auth.issuer,
  audience: deps.config.auth.audience,
  ttlSec: deps.config.auth.accessTtlSec,
});

/**
 * Texts a sign-in code, in the request's language (`Accept-Language`: the number may have no account
 * yet, and answering in the account's language would tell who has one). Answers the same whether or
 * not the number has an account. A number that replied STOP gets 409 `sms_opted_out` rather than a
 * code that would never arrive (Twilio blocks texts to it until it replies START).
 */
export async function sendCode(deps: AuthDeps, phoneNumber: string, ip: string, locale: Locale = DEFAULT_LOCALE): Promise<{ status: 'sent'; expiresInSec: number }> {
  // Refused up front (the sender would refuse it too) so no code is issued for a number we cannot text.
  const { allowedCountryCodes } = deps.config.sms;
  if (!smsCountryAllowed(allowedCountryCodes, phoneNumber)) throw phoneCountryNotSupported(allowedCountryCodes);
  await deps.rateLimits.consume('sendCodeIp', ip);
  await deps.rateLimits.consume('sendCodePhoneInterval', phoneNumber);
  await deps.rateLimits.consume('sendCodePhone', phoneNumber);
  const testNumber = deps.config.auth.testPhoneCodes.has(phoneNumber);
  if (!testNumber && (await isSmsOptedOut(deps.db, phoneNumber))) throw smsOptedOut();
  await issueOtp(deps.db, otpOptions(deps), phoneNumber, async (code) => {
    try {
      await textCode(deps, phoneNumber, otpText(locale, code, deps.config.auth.otpTtlSec));
    } catch (err) {
      // No text went out and the answer is a 503 (provider unreachable or failing, daily SMS budget
      // spent): give the points back, or a user retrying through an outage is locked out of signing in
      // for an hour. Only then: a code sent, or a refusal of the number (opted out…), still counts.
      if (sendingUnavailable(err)) await refundSendCode(deps, phoneNumber, ip);
      throw err;
    }
  });
  return { status: 'sent', expiresInSec: deps.config.auth.otpTtlSec };
}

/** True when a failed send is answered 503: the SMS path was unavailable, nothing was wrong with the request. */
const sendingUnavailable = (err: unknown) => (isAppError(err) && err.kind === 'unavailable') || isOutage(err);

/** Gives back what `sendCode` consumed; best effort, so a Redis error here cannot hide the send's own error. */
async function refundSendCode(deps: AuthDeps, phoneNumber: string, ip: string): Promise<void> {
  await Promise.allSettled([
    deps.rateLimits.refund('sendCodeIp', ip),
    deps.rateLimits.refund('sendCodePhoneInterval', phoneNumber),
    deps.rateLimits.refund('sendCodePhone', phoneNumber),
  ]);
}

/** Signs in with a code, creating the account (in `locale`) on first use. */
export async function verifyCode(deps: AuthDeps, phoneNumber: string, code: string, ip: string, locale: Locale = DEFAULT_LOCALE) {
  await deps.rateLimits.consume('authIp', ip);
  await consumeOtp(deps.db, otpOptions(deps), phoneNumber, code);
  return signInByPhone(deps, phoneNumber, locale);
}

/** How long a client waits after Firebase could not be reached to verify an ID token. */
const IDENTITY_DOWN_RETRY_AFTER_SEC = 30;

/** Signs in with a Firebase ID token obtained by phone sign-in on the device. */
export async function exchangeFirebaseToken(deps: AuthDeps, idToken: string, ip: string, locale: Locale = DEFAULT_LOCALE) {
  if (!deps.identity)
    throw new AppError('not_implemented', 'firebase_not_configured', 'Firebase sign-in is not configured on this server.');
  await deps.rateLimits.consume('authIp', ip);
  let phoneNumber: string;
  try {
    ({ phoneNumber } = await deps.identity.verifyPhoneIdToken(idToken));
  } catch (err) {
    // Firebase unreachable (its keys, its Auth API) is not a bad token: a 401 would make the app drop
    // a good one and send the user back through phone sign-in.
    if (identityErrorOutcome(err) === 'unavailable') {
      deps.logger.warn({ err }, 'Firebase unavailable: ID token exchange answered 503');
      // Nothing was tried against the token: give the point back, or a user retrying through the outage
      // is locked out of signing in once it is over. Best effort: a Redis error must not hide the 503.
      await deps.rateLimits.refund('authIp', ip).catch(() => undefined);
      throw new AppError('unavailable', 'identity_unavailable', 'Firebase sign-in is unavailable right now; try again shortly.', {
        retryAfterSec: IDENTITY_DOWN_RETRY_AFTER_SEC,
      });
    }
    throw new AppError('unauthorized', 'invalid_id_token', 'The Firebase ID token is not valid.');
  }
  return signInByPhone(deps, phoneNumber, locale);
}

/**
 * SPEC §9: a phone whose account was deleted less than 30 days ago signs back into that account with a
 * restore-only session (`restorable: true`); otherwise the live account, created on first use.
 */
async function signInByPhone(deps: AuthDeps, phoneNumber: string, locale: Locale) {
  const cutoff = restoreCutoff(deps.clock.now());
  // One transaction, the phone's account rows locked first: a deletion of the account in flight (another
  // device) is waited for, then read, so the sign-in answers its restore-only session instead of opening
  // a second account, which would hold the phone and make the deleted one unrestorable. A deletion that
  // starts now waits for the session to be stored, then ends it with the others.
  return deps.db.transaction().execute(async (trx) => {
    const inTrx = { ...deps, db: trx };
    await lockAccountsOfPhone(trx, phoneNumber);
    const deleted = await findRestorableAccountByPhone(trx, phoneNumber, cutoff);
    if (deleted) return { ...(await openSession(inTrx, deleted, 'restore')), restorable: true };
    const { user, created } = await findOrCreateUserByPhone(trx, phoneNumber, locale);
    const account = created ? await inheritStanding(trx, deps, user) : user;
    return openSession(inTrx, await applyDevStaffRole(inTrx, account));
  });
}

/**
 * Fraud prevention: a new account on a phone whose earlier account was deleted (and purged, or past its
 * restore window) carries that account's recent non-payment strikes and its suspension, or deleting the
 * account and signing up again would wipe them. Staff see why in the audit log.
 */
async function inheritStanding(trx: Trx, deps: Pick<Platform, 'config'>, user: User): Promise<User> {
  const inherited = await inheritPhoneStanding(trx, user.id, user.phoneNumber, phoneStandingKey(deps.config.auth.jwtSecret, user.phoneNumber));
  if (inherited.strikes === 0 && !inherited.suspended) return user;
  await recordSystemAudit(trx, { action: 'user.standing_inherited', targetType: 'user', targetId: user.id, details: inherited });
  return (await findUserById(trx, user.id))!;
}

/** Rotates a refresh token into a new pair. */
export async function refresh(deps: AuthDeps, refreshToken: string, ip: string) {
  await deps.rateLimits.consume('authIp', ip);
  // On reuse, the family's access tokens die with it (not 15 minutes later), and its sockets too; the
  // push tokens registered in it go as at logout: a thief's phone must not keep getting the user's pushes.
  const revokeAccessTokens = async (familyId: string) => {
    await deps.revocations.revoke(familyId);
    await deleteSessionDevices(deps.db, familyId);
    cutSessionSockets(deps, familyId, 'This session was ended: its refresh token was used twice.');
  };
  const rotated = await rotateSession(deps.db, refreshToken, deps.config.auth.refreshTtlSec, revokeAccessTokens);
  const user = await findUserById(deps.db, rotated.userId);
  if (!user) throw new AppError('unauthorized', 'invalid_refresh_token', 'The refresh token is not valid.');
  return tokenPair(deps, user, rotated.familyId, rotated.refreshToken);
}

/** How long a client waits after the SMS provider was down (it was already retried for a few seconds). */
const PROVIDER_DOWN_RETRY_AFTER_SEC = 30;

/**
 * Texts a sign-in code. A phone the provider knows unsubscribed is recorded and answered as opted out
 * (409); a number the provider says cannot take a text (not a real number, a landline) is the user's
 * to correct: 422 `invalid_phone_number`; a provider that kept failing (5xx through its retries) is
 * not our bug: 503 `sms_unavailable`.
 */
async function textCode(deps: AuthDeps, phoneNumber: string, text: string): Promise<void> {
  try {
    await deps.sms.send(phoneNumber, text);
  } catch (err) {
    if (err instanceof SmsProviderUnavailable) {
      deps.logger.warn({ providerStatus: err.status }, 'SMS provider unavailable: send-code answered 503');
      throw smsUnavailable(PROVIDER_DOWN_RETRY_AFTER_SEC);
    }
    if (err instanceof SmsRecipientInvalid) {
      throw unprocessable('invalid_phone_number', 'This number cannot receive text messages; check it, or use a mobile number.', {
        errors: [{ field: 'phoneNumber', message: 'is not a mobile number that can receive texts' }],
      });
    }
    if (!(err instanceof SmsRecipientOptedOut)) throw err;
    await recordSmsOptOut(deps.db, phoneNumber);
    throw smsOptedOut();
  }
}

/** Ends the session the access token belongs to, and unregisters the push tokens it registered. */
export async function logout(deps: AuthDeps, actor: Actor): Promise<void> {
  // Revoked first: a push-token registration of this session in flight holds one of its tokens
  // (`holdLiveSession`), so this waits for it to commit and the deletion below takes its device; one
  // that starts later finds the session revoked and is refused.
  await revokeFamily(deps.db, actor.sid);
  // Signed out on that phone: its pushes (outbid, payment due…) must not keep showing there.
  await deleteSessionDevices(deps.db, actor.sid);
  await deps.revocations.revoke(actor.sid);
  cutSessionSockets(deps, actor.sid, 'This session has been signed out.');
}

/** Sockets opened with a session's tokens would otherwise live on until their token expires. */
function cutSessionSockets(deps: Pick<Platform, 'redis' | 'config'>, sid: string, message: string): void {
  const room = sessionRoom(sid);
  const emitter = socketEmitter(deps);
  emitter.to(room).emit('session_expired', { error: toProblem(unauthorized('session_revoked', message)) });
  emitter.in(room).disconnectSockets(true);
}

/** A new session for a user; `restore` makes it the restore-only session of a deleted account. */
export async function openSession(deps: Pick<Platform, 'db' | 'config'>, user: User, scope?: 'restore') {
  const { refreshToken, familyId } = await startSession(deps.db, user.id, deps.config.auth.refreshTtlSec);
  return tokenPair(deps, user, familyId, refreshToken, scope);
}

/**
 * The role a session acts with: a suspended staff member is a plain user until the suspension is
 * lifted (staff powers move money and read private chats). Their own account, open sales included,
 * goes on as any suspended user's does; the next refresh after an unsuspend brings the role back.
 */
const sessionRole = (user: User): Role => (user.suspendedAt ? 'user' : user.role);

function tokenPair(deps: Pick<Platform, 'config'>, user: User, familyId: string, refreshToken: string, scope?: 'restore') {
  const accessToken = signAccessToken(accessOptions(deps), { userId: user.id, role: sessionRole(user), sid: familyId, ...(scope ? { scope } : {}) });
  return { accessToken, refreshToken, tokenType: 'Bearer' as const, expiresIn: deps.config.auth.accessTtlSec, user: presentSelf(user) };
}

export { accessOptions };
