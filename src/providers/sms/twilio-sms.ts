import { setTimeout as sleep } from 'node:timers/promises';
import twilio from 'twilio';
import { SmsProviderUnavailable, SmsRecipientInvalid, SmsRecipientOptedOut, type SmsSender } from './sms';

type TwilioClientOptions = NonNullable<ConstructorParameters<typeof twilio.Twilio>[2]>;

/** What the SDK calls on a custom `httpClient` (its documented hook): one method, not the whole RequestClient class. */
export interface TwilioHttpClient {
  request(opts: { method: string; uri: string; data?: Record<string, unknown>; headers?: Record<string, string> }): Promise<{
    statusCode: number;
    body: unknown;
    headers: Record<string, string>;
  }>;
}

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  fromNumber: string;
  /** Twilio POSTs each message's delivery status here (queued, sent, delivered, failed…). */
  statusCallbackUrl?: string;
  /** Replaces Twilio's HTTP client (tests record the request instead of calling Twilio). */
  httpClient?: TwilioHttpClient;
  /** Waits before each retry of a 5xx answer; its length bounds the retries. */
  retryDelaysMs?: readonly number[];
}

// Three retries over ≈3.5 s: long enough for a Twilio blip, short enough for a send-code request.
const DEFAULT_RETRY_DELAYS_MS = [500, 1000, 2000];

/** The HTTP status of a Twilio SDK error (RestException or TwilioServiceException), if it has one. */
function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Twilio's error 21610: the recipient replied STOP to the sending number. */
const UNSUBSCRIBED_RECIPIENT = 21610;
const isUnsubscribed = (err: unknown) => (err as { code?: unknown } | null)?.code === UNSUBSCRIBED_RECIPIENT;

/**
 * Twilio's errors about the 'To' number itself: 21211 not a valid phone number, 21217 does not appear
 * to be valid, 21614 not a mobile number (a landline). The number passed our E.164 check, but no text
 * will ever reach it: a user's typo, not our failure (it was answered as an opaque 500).
 */
const INVALID_RECIPIENT_CODES = new Set([21211, 21217, 21614]);
const isInvalidRecipient = (err: unknown) => INVALID_RECIPIENT_CODES.has((err as { code?: unknown } | null)?.code as number);

/**
 * Sends SMS through the real Twilio SDK. A 5xx from Twilio (its side failed) is retried with growing
 * waits, then thrown as SmsProviderUnavailable; a 4xx (a bad number, a blocked destination) is final
 * and thrown at once as the SDK's error, an unsubscribed recipient (21610) as SmsRecipientOptedOut, a
 * number that cannot take a text (21211, 21217, 21614) as SmsRecipientInvalid.
 */
export class TwilioSms implements SmsSender {
  private readonly client: twilio.Twilio;
  private readonly retryDelaysMs: readonly number[];

  constructor(private readonly options: TwilioOptions) {
    // The SDK types the hook as its RequestClient class, but calls only `request` on it.
    const httpClient = options.httpClient as unknown as TwilioClientOptions['httpClient'];
    this.client = twilio(options.accountSid, options.authToken, httpClient ? { httpClient } : {});
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  }

  async send(to: string, body: string): Promise<void> {
    const message = {
      to,
      from: this.options.fromNumber,
      body,
      ...(this.options.statusCallbackUrl ? { statusCallback: this.options.statusCallbackUrl } : {}),
    };
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.client.messages.create(message);
        return;
      } catch (err) {
        if (isUnsubscribed(err)) throw new SmsRecipientOptedOut(to);
        if (isInvalidRecipient(err)) throw new SmsRecipientInvalid(to, { cause: err });
        const status = statusOf(err);
        if (status === undefined || status < 500) throw err;
        if (attempt >= this.retryDelaysMs.length) throw new SmsProviderUnavailable(status, { cause: err });
        await sleep(this.retryDelaysMs[attempt]);
      }
    }
  }
}
