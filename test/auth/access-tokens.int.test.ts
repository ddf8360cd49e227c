import jwt from 'jsonwebtoken';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { expectProblem } from '../support/http';

let env: TestEnv;
let user: TestUser;
let sid: string;
beforeAll(async () => {
  env = await createTestEnv();
  user = await createUser(env.deps);
  sid = (jwt.decode(user.accessToken) as jwt.JwtPayload).sid as string;
});
afterAll(() => env.close());

const me = (token: string) => env.http.get('/v1/users/me').set('Authorization', `Bearer ${token}`);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

interface Forgery {
  secret?: string;
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
  issuer?: string;
  audience?: string;
  expiresIn?: number;
}

/** Signs an HS256 token like the server does, with one thing changed. */
function forge(f: Forgery = {}): string {
  const { auth } = env.config;
  return jwt.sign({ role: 'user', sid, ...f.payload }, f.secret ?? auth.jwtSecret, {
    algorithm: 'HS256',
    header: { alg: 'HS256', typ: 'at+jwt', ...f.header },
    subject: user.id,
    issuer: f.issuer ?? auth.issuer,
    audience: f.audience ?? auth.audience,
    expiresIn: f.expiresIn ?? 900,
  });
}

describe('access tokens', () => {
  it('accepts a token built exactly like the server builds them (the forgeries below differ in one thing)', async () => {
    const res = await me(forge());
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(user.id);
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      sub: user.id,
      role: 'admin',
      sid,
      iss: env.config.auth.issuer,
      aud: env.config.auth.audience,
      iat: now,
      exp: now + 900,
    };
    expectProblem(await me(`${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(payload)}.`), 401, 'invalid_token');
    expectProblem(await me(`${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(payload)}`), 401, 'invalid_token');
  });

  it.each<[string, Forgery]>([
    ['signed with another secret', { secret: 'another-secret-that-is-long-enough-0000' }],
    ['for another audience', { audience: 'someone-else' }],
    ['from another issuer', { issuer: 'evil' }],
    ['of another type (typ JWT)', { header: { typ: 'JWT' } }],
    ['without a typ', { header: { typ: undefined } }],
    ['without a session id', { payload: { sid: undefined } }],
    ['without a role', { payload: { role: undefined } }],
  ])('refuses a token %s', async (_what, forgery) => {
    expectProblem(await me(forge(forgery)), 401, 'invalid_token');
  });

  it('refuses an HS512 token signed with the right secret (algorithm pinned)', async () => {
    const { auth } = env.config;
    const token = jwt.sign({ role: 'user', sid }, auth.jwtSecret, {
      algorithm: 'HS512',
      header: { alg: 'HS512', typ: 'at+jwt' },
      subject: user.id,
      issuer: auth.issuer,
      audience: auth.audience,
      expiresIn: 900,
    });
    expectProblem(await me(token), 401, 'invalid_token');
  });

  it('refuses an expired token with token_expired', async () => {
    expectProblem(await me(forge({ expiresIn: -10 })), 401, 'token_expired');
  });

  it.each([
    ['no Authorization header', undefined, 'missing_token'],
    ['a non-bearer scheme', `Basic ${Buffer.from('a:b').toString('base64')}`, 'missing_token'],
    ['garbage', 'Bearer not-a-jwt', 'invalid_token'],
  ])('answers 401 problem+json to %s', async (_what, header, code) => {
    const req = env.http.get('/v1/users/me');
    expectProblem(await (header ? req.set('Authorization', header) : req), 401, code);
  });
});
