import { cert, getApps, initializeApp, type App } from 'firebase-admin/app';
import { getMessaging } from 'firebase-admin/messaging';
import type { FirebaseOptions } from '../identity/firebase-identity';
import type { PushMessage, PushOutcome, PushSender } from './push';

const INVALID_TOKEN_CODES = new Set(['messaging/registration-token-not-registered', 'messaging/invalid-registration-token', 'messaging/invalid-argument']);

/** Firebase Cloud Messaging through firebase-admin. */
export class FirebasePush implements PushSender {
  private readonly app: App;

  constructor(options: FirebaseOptions) {
    const name = `biddt-push-${options.projectId}`;
    this.app =
      getApps().find((a) => a.name === name) ??
      initializeApp(
        {
          projectId: options.projectId,
          ...(options.clientEmail && options.privateKey
            ? { credential: cert({ projectId: options.projectId, clientEmail: options.clientEmail, privateKey: options.privateKey.replace(/\\n/g, '\n') }) }
            : {}),
        },
        name,
      );
  }

  async send(message: PushMessage): Promise<PushOutcome> {
    try {
      await getMessaging(this.app).send({ token: message.token, notification: { title: message.title, body: message.body }, data: message.data });
      return 'sent';
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code && INVALID_TOKEN_CODES.has(code)) return 'invalid';
      throw err;
    }
  }
}
