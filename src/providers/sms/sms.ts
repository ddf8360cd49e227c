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

/**
 * The provider refused the number itself: not a valid phone number, or not one that can take a text
 * (a landline). Retrying cannot help; send-code answers it 422 naming the number, and a notification
 * goes out without its text.
 */
export class SmsRecipientInvalid extends Error {
  constructor(
    readonly phoneNumber: string,
    options?: { cause?: unknown },
  ) {
    super(`${phoneNumber} cannot receive text messages`, options);
    this.name = 'SmsRecipientInvalid';
  }
}

/**
 * The provider itself kept failing (Twilio answered 5xx through every retry): nothing was sent, and
 * nothing is wrong with the message. Send-code answers it 503 `sms_unavailable`; a notification job
 * lets it fail the delivery, so the job retries later. `status` is the provider's last HTTP status.
 */
export class SmsProviderUnavailable extends Error {
  constructor(
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(`the SMS provider answered ${status} on every try`, options);
    this.name = 'SmsProviderUnavailable';
  }
}

/** Sends text messages. Implemented by Twilio in production and a console stand-in elsewhere. */
export interface SmsSender {
  send(to: string, body: string): Promise<void>;
}
