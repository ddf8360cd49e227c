import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors';
import { signAccessToken, verifyAccessToken, type AccessTokenOptions } from './access-tokens';

const opts: AccessTokenOptions = { secret: 'unit-secret-unit-secret-unit-secret-0000', issuer: 'biddt', audience: 'biddt-api', ttlSec: 60 };
const actor = () => ({ userId: randomUUID(), role: 'user' as const, sid: randomUUID() });

/** The problem code a rejected verification answers with. */
function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
  return undefined;
}

afterEach(() => jest.restoreAllMocks());

describe('verifyAccessToken', () => {
  it('answers the same actor for a token seen before, as a copy', () => {
    const who = actor();
    const token = signAccessToken(opts, who);
    const first = verifyAccessToken(opts, token);
    const again = verifyAccessToken(opts, token);
    expect(first).toEqual(who);
    expect(again).toEqual(who);
    expect(again).not.toBe(first);
  });

  it('refuses a token seen before once it has expired', () => {
    const token = signAccessToken({ ...opts, ttlSec: 5 }, actor());
    verifyAccessToken(opts, token);
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 6_000);
    expect(codeOf(() => verifyAccessToken(opts, token))).toBe('token_expired');
  });

  it('does not let a token seen before pass another audience, issuer or key', () => {
    const token = signAccessToken(opts, actor());
    verifyAccessToken(opts, token);
    expect(codeOf(() => verifyAccessToken({ ...opts, audience: 'other' }, token))).toBe('invalid_token');
    expect(codeOf(() => verifyAccessToken({ ...opts, issuer: 'other' }, token))).toBe('invalid_token');
    expect(codeOf(() => verifyAccessToken({ ...opts, secret: 'another-secret-another-secret-0000000000' }, token))).toBe('invalid_token');
  });

  it('refuses a tampered token', () => {
    const token = signAccessToken(opts, actor());
    verifyAccessToken(opts, token);
    const [header, payload, signature] = token.split('.');
    const forged = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(codeOf(() => verifyAccessToken(opts, forged))).toBe('invalid_token');
  });
});
