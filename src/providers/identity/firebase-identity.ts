import { cert, getApps, initializeApp, type App } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';

/** Verifies Firebase ID tokens (phone sign-in done on the device) and returns the phone number. */
export interface IdentityVerifier {
  verifyPhoneIdToken(idToken: string): Promise<{ phoneNumber: string; uid: string }>;
}

/**
 * What firebase-admin says about the token itself (malformed, expired, revoked, its user disabled or
 * gone). Any other error (`auth/internal-error` when Google's public keys cannot be fetched,
 * `app/network-…` when the revocation check cannot reach Firebase Auth, a refused credential) says
 * nothing about the token: Firebase could not be asked.
 */
const TOKEN_REFUSED_CODES = new Set([
  'auth/argument-error',
  'auth/invalid-argument',
  'auth/id-token-expired',
  'auth/id-token-revoked',
  'auth/invalid-id-token',
  'auth/user-disabled',
  'auth/user-not-found',
]);

/** Whether a verification error refused the token, or Firebase was unavailable (our own checks throw without a code: refused). */
export function identityErrorOutcome(err: unknown): 'refused' | 'unavailable' {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code !== 'string' || TOKEN_REFUSED_CODES.has(code) ? 'refused' : 'unavailable';
}

export interface FirebaseOptions {
  projectId: string;
  clientEmail?: string;
  privateKey?: string;
}

/** firebase-admin backed verifier; credentials from options or Application Default Credentials. */
export class FirebaseIdentity implements IdentityVerifier {
  private readonly app: App;

  constructor(options: FirebaseOptions) {
    const name = `biddt-${options.projectId}`;
    const existing = getApps().find((a) => a.name === name);
    this.app =
      existing ??
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

  async verifyPhoneIdToken(idToken: string): Promise<{ phoneNumber: string; uid: string }> {
    const decoded = await getAuth(this.app).verifyIdToken(idToken, true);
    if (!decoded.phone_number) throw new Error('Firebase token has no phone_number');
    return { phoneNumber: decoded.phone_number, uid: decoded.uid };
  }
}
