import twilio from 'twilio';
import type { SmsSender } from './sms';

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  fromNumber: string;
  /** Replaces Twilio's HTTP client (tests record the request instead of calling Twilio). */
  httpClient?: ConstructorParameters<typeof twilio.Twilio>[2] extends infer O ? (O extends { httpClient?: infer H } ? H : never) : never;
}

/** Sends SMS through the real Twilio SDK. */
export class TwilioSms implements SmsSender {
  private readonly client: twilio.Twilio;

  constructor(private readonly options: TwilioOptions) {
    this.client = twilio(options.accountSid, options.authToken, options.httpClient ? { httpClient: options.httpClient } : {});
  }

  async send(to: string, body: string): Promise<void> {
    await this.client.messages.create({ to, from: this.options.fromNumber, body });
  }
}
