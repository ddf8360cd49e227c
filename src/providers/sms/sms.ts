/**
 * The provider refused the message because the recipient unsubscribed (replied STOP to our number):
 * nothing will reach them until they reply START, so the caller records the opt-out instead of retrying.
 */
export class SmsRecipientOptedOut extends Error {
  constructor(readonly phoneNumber: string) {
    super(`${phoneNumber} unsubscribed from our texts`);
    this.name = 'SmsRecipientOptedOut';
  }
}

/** Sends text messages. Implemented by Twilio in production and a console stand-in elsewhere. */
export interface SmsSender {
  send(to: string, body: string): Promise<void>;
}
