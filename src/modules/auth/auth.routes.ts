import { accepted, defineRoute, noContent, ok } from '../../http/route';
import { FirebaseBody, RefreshBody, SendCodeAccepted, SendCodeBody, TokenPair, VerifyBody } from './auth.schemas';
import { localeFromAcceptLanguage } from '../../shared/locale';
import { exchangeFirebaseToken, logout, refresh, sendCode, verifyCode } from './auth.service';

const tags = ['auth'];

export const authRoutes = [
  defineRoute(
    {
      method: 'post',
      path: '/v1/auth/phone/send-code',
      summary: 'Text a 6-digit sign-in code',
      tags,
      auth: 'none',
      body: SendCodeBody,
      responses: {
        202: { description: 'Code sent (the same answer whether or not the number is registered)', schema: SendCodeAccepted },
        409: { description: 'sms_opted_out: the phone replied STOP to our texts; replying START opts it back in' },
        422: {
          description:
            'phone_country_not_supported: the number is outside SMS_ALLOWED_COUNTRY_CODES; invalid_phone_number: the SMS provider says the number cannot receive texts (not a valid number, or a landline); the attempt counts against the rate limits',
        },
        429: { description: 'Rate limited' },
        503: {
          description:
            'sms_unavailable: the platform-wide daily SMS budget is spent (Retry-After: seconds to the next UTC midnight), or the SMS provider is failing (Retry-After: 30); no code was sent and the attempt does not count against the rate limits',
        },
      },
    },
    async (deps, { body, ip, headers }) => accepted(await sendCode(deps, body.phoneNumber, ip, localeFromAcceptLanguage(headers['accept-language']))),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/auth/phone/verify',
      summary: 'Sign in with the code',
      tags,
      auth: 'none',
      body: VerifyBody,
      responses: { 200: { description: 'Signed in', schema: TokenPair }, 401: { description: 'invalid_code' } },
    },
    async (deps, { body, ip, headers }) =>
      ok(await verifyCode(deps, body.phoneNumber, body.code, ip, localeFromAcceptLanguage(headers['accept-language']))),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/auth/firebase',
      summary: 'Sign in with a Firebase phone-auth ID token',
      tags,
      auth: 'none',
      body: FirebaseBody,
      responses: {
        200: { description: 'Signed in', schema: TokenPair },
        401: { description: 'invalid_id_token: Firebase refused the token (malformed, expired, revoked)' },
        501: { description: 'Firebase not configured' },
        503: { description: 'identity_unavailable: Firebase could not be reached to verify the token (Retry-After: 30); the attempt does not count against the rate limit' },
      },
    },
    async (deps, { body, ip, headers }) =>
      ok(await exchangeFirebaseToken(deps, body.idToken, ip, localeFromAcceptLanguage(headers['accept-language']))),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/auth/refresh',
      summary: 'Rotate the refresh token',
      tags,
      auth: 'none',
      body: RefreshBody,
      responses: { 200: { description: 'A new pair', schema: TokenPair }, 401: { description: 'Invalid, expired or reused token' } },
    },
    async (deps, { body, ip }) => ok(await refresh(deps, body.refreshToken, ip)),
  ),
  defineRoute(
    {
      method: 'delete',
      path: '/v1/auth/logout',
      summary: 'Sign out of this session',
      tags,
      // A deleted account's restore-only session may sign out too, without restoring.
      allowDeletedAccount: true,
      responses: { 204: { description: 'Signed out' } },
    },
    async (deps, { actor }) => {
      await logout(deps, actor);
      return noContent();
    },
  ),
];
