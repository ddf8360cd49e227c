import twilio from 'twilio';
import type { Db } from '../../../db/connection';
import type { Config } from '../../config/config';
import { DEV_SECRET } from '../../config/env';
import { AppError, conflict } from '../../shared/errors';
import { optInPhone, optOutPhone } from './sms-opt-outs.repository';

/**
 * Twilio's opt-out keywords (its Advanced Opt-Out defaults, plus ARRET/ARRÊT which Canadian carriers
 * honour in French). A message that is exactly one of them, whatever the case and surrounding spaces,
 * opts the phone out of every SMS we send; an opt-in keyword brings it back.
 */
const OPT_OUT_KEYWORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE', 'ARRET', 'ARRÊT']);
const OPT_IN_KEYWORDS = new Set(['START', 'YES', 'UNSTOP']);

export type SmsKeywordOutcome = 'opted_out' | 'opted_in' | 'ignored';

/** What an inbound message asks: Twilio's own `OptOutType` when it classified it, else our keyword match. */
export function keywordOf(body: string, optOutType?: string): SmsKeywordOutcome {
  const type = optOutType?.trim().toUpperCase();
  if (type === 'STOP') return 'opted_out';
  if (type === 'START') return 'opted_in';
  const word = body.trim().toUpperCase();
  if (OPT_OUT_KEYWORDS.has(word)) return 'opted_out';
  if (OPT_IN_KEYWORDS.has(word)) return 'opted_in';
  return 'ignored';
}

/** Acts on an inbound SMS: STOP opts the sender's phone out of our texts, START opts it back in. */
export async function handleInboundSms(db: Db, from: string, body: string, optOutType?: string): Promise<SmsKeywordOutcome> {
  const outcome = keywordOf(body, optOutType);
  if (outcome === 'opted_out') await optOutPhone(db, from);
  if (outcome === 'opted_in') await optInPhone(db, from);
  return outcome;
}

/**
 * Twilio's signature over the URL it called and the POSTed parameters (`X-Twilio-Signature`),
 * checked with the SDK's `validateRequest` and the account's auth token; 403 `invalid_signature` otherwise.
 */
export function assertTwilioSignature(authToken: string, signature: string | undefined, url: string, params: Record<string, unknown>): void {
  if (!signature || !twilio.validateRequest(authToken, signature, url, params)) {
    throw new AppError('forbidden', 'invalid_signature', 'The X-Twilio-Signature header does not match this request.');
  }
}

/** send-code to a phone that replied STOP: no code can reach it (Twilio blocks the number) until START. */
export const smsOptedOut = () =>
  conflict('sms_opted_out', 'This number replied STOP to Biddt’s texts. Text START to our number to receive sign-in codes again.', {
    errors: [{ field: 'phoneNumber', message: 'opted out of SMS (reply START to opt back in)' }],
  });

/**
 * The token Twilio signs inbound webhooks with: the account's auth token; in development and test,
 * without Twilio credentials, the development secret stands in (tests sign with it).
 */
export function twilioWebhookToken(config: Pick<Config, 'twilio' | 'devConveniences'>): string | undefined {
  return config.twilio?.authToken ?? (config.devConveniences ? DEV_SECRET : undefined);
}
