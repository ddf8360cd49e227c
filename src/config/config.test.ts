import { ConfigError, loadConfig } from './config';

const SECRET = 'x'.repeat(32);
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: SECRET,
  OTP_SECRET: SECRET,
  DATABASE_URL: 'postgres://db/biddt',
  REDIS_URL: 'redis://redis:6379',
};

/** The ConfigError thrown for `env`, or a failure when none is thrown. */
function configErrorFor(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

const named = (err: ConfigError) => err.problems.map((p) => p.split(':')[0]);

describe('loadConfig', () => {
  it('starts with defaults in development and reads numbers as numbers', () => {
    const config = loadConfig({ PORT: '4000' });
    expect(config.env).toBe('development');
    expect(config.port).toBe(4000);
    expect(config.auth.otpTtlSec).toBe(300);
    expect(config.rateLimits.sendCodePerIpPerMin).toBe(5);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('treats an empty number variable as unset rather than 0', () => {
    expect(loadConfig({ PORT: '', OTP_TTL_SEC: ' ' })).toMatchObject({ port: 3000, auth: { otpTtlSec: 300 } });
  });

  it.each([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['OTP_TTL_SEC', { OTP_TTL_SEC: '-1' }],
    ['NODE_ENV', { NODE_ENV: 'prod' }],
    ['JWT_SECRET', { JWT_SECRET: 'too-short' }],
    ['JWT_SECRET', { ...PRODUCTION, JWT_SECRET: '' }],
    ['OTP_SECRET', { ...PRODUCTION, OTP_SECRET: '' }],
    ['DATABASE_URL', { ...PRODUCTION, DATABASE_URL: '' }],
    ['AUTH_TEST_PHONE_CODES', { AUTH_TEST_PHONE_CODES: '+15555550100:12345' }],
    ['AUTH_TEST_PHONE_CODES', { AUTH_TEST_PHONE_CODES: '5555550100:123456' }],
    ['REDIS_PREFIX', { REDIS_PREFIX: 'has:colon' }],
  ])('refuses a bad %s (%j)', (variable, env) => {
    const err = configErrorFor(env);
    expect(named(err)).toContain(variable);
    expect(err.message).toContain(variable);
  });

  it('names every bad variable at once, even when one of them is not even a number', () => {
    const err = configErrorFor({ PORT: 'abc', NODE_ENV: 'production', JWT_SECRET: 'short', AUTH_TEST_PHONE_CODES: 'nope' });
    expect(named(err)).toEqual(
      expect.arrayContaining(['PORT', 'JWT_SECRET', 'OTP_SECRET', 'AUTH_TEST_PHONE_CODES', 'DATABASE_URL', 'REDIS_URL']),
    );
  });

  it('accepts a complete production environment', () => {
    const config = loadConfig(PRODUCTION);
    expect(config.devConveniences).toBe(false);
    expect(config.auth.jwtSecret).toBe(SECRET);
  });

  it('uses the AUTH_TEST_PHONE_CODES numbers in test and development', () => {
    const codes = '+15555550100:123456, +15555550101:654321';
    expect([...loadConfig({ NODE_ENV: 'test', AUTH_TEST_PHONE_CODES: codes }).auth.testPhoneCodes]).toEqual([
      ['+15555550100', '123456'],
      ['+15555550101', '654321'],
    ]);
    expect(loadConfig({ AUTH_TEST_PHONE_CODES: codes }).auth.testPhoneCodes.size).toBe(2);
  });

  it('ignores AUTH_TEST_PHONE_CODES in production', () => {
    const config = loadConfig({ ...PRODUCTION, AUTH_TEST_PHONE_CODES: '+15555550100:123456' });
    expect(config.auth.testPhoneCodes.size).toBe(0);
  });
});
