/** Sends text messages. Implemented by Twilio in production and a console stand-in elsewhere. */
export interface SmsSender {
  send(to: string, body: string): Promise<void>;
}
