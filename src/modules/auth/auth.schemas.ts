import { z } from '../../shared/zod';
import { UserSelf } from '../users';

export const PhoneNumber = z
  .string()
  .trim()
  .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +15145550100')
  .openapi({ example: '+15555550100' });

export const SendCodeBody = z.strictObject({ phoneNumber: PhoneNumber }).openapi('SendCode');
export const SendCodeAccepted = z.object({ status: z.literal('sent'), expiresInSec: z.number().int() }).openapi('SendCodeAccepted');
export const VerifyBody = z
  .strictObject({ phoneNumber: PhoneNumber, code: z.string().regex(/^\d{6}$/, 'must be 6 digits') })
  .openapi('VerifyCode');
export const RefreshBody = z.strictObject({ refreshToken: z.string().min(20).max(200) }).openapi('Refresh');
export const FirebaseBody = z.strictObject({ idToken: z.string().min(10).max(4096) }).openapi('FirebaseExchange');

export const TokenPair = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int(),
    user: UserSelf,
    /** True when the account is deleted but still restorable: the session can only restore or export it. */
    restorable: z.boolean().optional(),
  })
  .openapi('TokenPair');
