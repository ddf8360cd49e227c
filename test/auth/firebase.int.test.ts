/**
 * POST /v1/auth/firebase with a stand-in verifier that answers as firebase-admin does: a phone number
 * for a good ID token, a FirebaseAuthError (`auth/…` code) for a bad one, and an `auth/internal-error`
 * or `app/network-error` when Google's keys or its Auth API cannot be reached.
 */
import type { IdentityVerifier } from '../../src/providers/identity/firebase-identity';
import { createTestEnv, newPhone, type TestEnv } from '../support/harness';
import { expectProblem } from '../support/http';

/** An error shaped as firebase-admin's (FirebaseAuthError / FirebaseAppError expose `code`). */
const firebaseError = (code: string, message: string) => Object.assign(new Error(message), { code });

const phones = new Map<string, string>();
const identity: IdentityVerifier = {
  async verifyPhoneIdToken(idToken) {
    if (idToken.startsWith('expired')) throw firebaseError('auth/id-token-expired', 'Firebase ID token has expired.');
    if (idToken.startsWith('keys-down')) throw firebaseError('auth/internal-error', 'Error fetching public keys for Google certs: socket hang up');
    if (idToken.startsWith('network-down')) throw firebaseError('app/network-error', 'Error while making request: connect ETIMEDOUT.');
    const phoneNumber = phones.get(idToken);
    if (!phoneNumber) throw firebaseError('auth/argument-error', 'Decoding Firebase ID token failed.');
    return { phoneNumber, uid: `uid-${idToken}` };
  },
};

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({}, { identity });
});
afterAll(() => env.close());

const exchange = (idToken: string) => env.http.post('/v1/auth/firebase').send({ idToken });

describe('POST /v1/auth/firebase', () => {
  it('signs in with the phone number of a valid ID token', async () => {
    const phone = newPhone();
    phones.set('good-token-0001', phone);
    const res = await exchange('good-token-0001');
    expect(res.status).toBe(200);
    expect(res.body.user.phoneNumber).toBe(phone);
  });

  it('answers 401 invalid_id_token for a token Firebase refuses (expired, malformed)', async () => {
    expectProblem(await exchange('expired-token-0001'), 401, 'invalid_id_token');
    expectProblem(await exchange('garbage-token-0001'), 401, 'invalid_id_token');
  });

  it('answers 503 with Retry-After, not 401 invalid_id_token, when Firebase cannot be reached: the token may be perfectly good', async () => {
    for (const token of ['keys-down-token-0001', 'network-down-token-0001']) {
      const res = await exchange(token);
      expectProblem(res, 503, 'identity_unavailable');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.text).not.toMatch(/google|ETIMEDOUT|socket/i);
    }
  });
});

describe('POST /v1/auth/firebase while Firebase is unreachable', () => {
  let limited: TestEnv;
  beforeAll(async () => {
    limited = await createTestEnv({ RATE_LIMIT_AUTH_PER_IP_PER_MIN: '2' }, { identity });
  });
  afterAll(() => limited.close());

  it('gives back the authIp point of every 503: a user retrying through the outage can still sign in once it is over', async () => {
    for (let i = 0; i < 4; i++) expectProblem(await limited.http.post('/v1/auth/firebase').send({ idToken: 'network-down-token-0002' }), 503, 'identity_unavailable');
    const phone = newPhone();
    phones.set('good-token-0002', phone);
    const res = await limited.http.post('/v1/auth/firebase').send({ idToken: 'good-token-0002' });
    expect(res.status).toBe(200);
    // A refused token still counts: the limit is there for guessing.
    expectProblem(await limited.http.post('/v1/auth/firebase').send({ idToken: 'garbage-token-0002' }), 401, 'invalid_id_token');
    expectProblem(await limited.http.post('/v1/auth/firebase').send({ idToken: 'good-token-0002' }), 429);
  });
});
