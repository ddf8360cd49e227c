import type { Agent } from 'node:http';
import { cert, getApps, initializeApp, type App, type Credential } from 'firebase-admin/app';
import { getMessaging } from 'firebase-admin/messaging';
import type { FirebaseOptions } from '../identity/firebase-identity';
import type { PushMessage, PushOutcome, PushSender } from './push';

/**
 * Only these say the token itself is dead (app uninstalled, token rotated or malformed). Anything
 * else, `messaging/invalid-argument` included (a payload FCM refused), is our message's problem or a
 * transient one: the device stays registered and the error is thrown so the job retries.
 */
const INVALID_TOKEN_CODES = new Set(['messaging/registration-token-not-registered', 'messaging/invalid-registration-token']);

/**
 * FCM's HTTP v1 API answers a token that is not an FCM registration token at all (an APNs token, a
 * truncated one) with INVALID_ARGUMENT, which firebase-admin reports as `messaging/invalid-argument`
 * like a refused payload: only this message tells them apart. Kept, such a token failed every
 * notification of its user for good (the pushes to their other phones and the must-reach SMS after it).
 */
const NOT_A_REGISTRATION_TOKEN = 'The registration token is not a valid FCM registration token';

/** What a firebase-admin send error means for the device: forget it, or rethrow. */
export function pushOutcomeOfError(err: unknown): 'invalid' | 'rethrow' {
  const { code, message } = (err ?? {}) as { code?: string; message?: string };
  if (code && INVALID_TOKEN_CODES.has(code)) return 'invalid';
  return code === 'messaging/invalid-argument' && message === NOT_A_REGISTRATION_TOKEN ? 'invalid' : 'rethrow';
}

/**
 * firebase-admin's own hooks for where its HTTP requests go and how it gets an access token (tests
 * point them at a local server standing in for fcm.googleapis.com, as the Twilio adapter's test
 * does with Twilio's `httpClient`).
 */
export interface FirebaseTransport {
  /** Every firebase-admin request goes through this agent (its `createConnection` decides where). */
  httpAgent: Agent;
  credential: Credential;
  /** Distinguishes this app from others of the same project (firebase-admin keeps apps by name). */
  name: string;
}

/** Firebase Cloud Messaging through firebase-admin. */
export class FirebasePush implements PushSender {
  private readonly app: App;

  constructor(options: FirebaseOptions, transport?: FirebaseTransport) {
    const name = `biddt-push-${options.projectId}${transport ? `-${transport.name}` : ''}`;
    const credential =
      transport?.credential ??
      (options.clientEmail && options.privateKey
        ? cert({ projectId: options.projectId, clientEmail: options.clientEmail, privateKey: options.privateKey.replace(/\\n/g, '\n') })
        : undefined);
    this.app =
      getApps().find((a) => a.name === name) ??
      initializeApp(
        { projectId: options.projectId, ...(credential ? { credential } : {}), ...(transport ? { httpAgent: transport.httpAgent } : {}) },
        name,
      );
  }

  async send(message: PushMessage): Promise<PushOutcome> {
    try {
      await getMessaging(this.app).send({ token: message.token, notification: { title: message.title, body: message.body }, data: message.data });
      return 'sent';
    } catch (err) {
      if (pushOutcomeOfError(err) === 'invalid') return 'invalid';
      throw err;
    }
  }
}
