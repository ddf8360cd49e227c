/** A push message to one device token. */
export interface PushMessage {
  token: string;
  title: string;
  body: string;
  data: Record<string, string>;
}

/** Result per token: `invalid` tokens should be forgotten (app uninstalled, token rotated). */
export type PushOutcome = 'sent' | 'invalid';

/** Sends push notifications. Firebase Cloud Messaging in production, a log stand-in elsewhere. */
export interface PushSender {
  send(message: PushMessage): Promise<PushOutcome>;
}
