import express from 'express';
import { ConfigError, loadConfig } from './config';

const SECRET = 'x'.repeat(32);
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: SECRET,
  OTP_SECRET: SECRET,
  DATABASE_URL: 'postgres://db/biddt',
  REDIS_URL: 'redis://redis:6379',
  TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
  TWILIO_AUTH_TOKEN: 'twilio-token',
  TWILIO_FROM_NUMBER: '+15145550000',
  STRIPE_SECRET_KEY: 'sk_test_123',
  STRIPE_WEBHOOK_SECRET: 'whsec_123',
  FIREBASE_PROJECT_ID: 'biddt-prod',
};
const DEVELOPMENT = { NODE_ENV: 'development' };

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
    const config = loadConfig({ ...DEVELOPMENT, PORT: '4000' });
    expect(config.env).toBe('development');
    expect(config.port).toBe(4000);
    expect(config.auth.otpTtlSec).toBe(300);
    expect(config.rateLimits.sendCodePerIpPerMin).toBe(5);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('treats an empty number variable as unset rather than 0', () => {
    expect(loadConfig({ ...DEVELOPMENT, PORT: '', OTP_TTL_SEC: ' ' })).toMatchObject({ port: 3000, auth: { otpTtlSec: 300 } });
  });

  it.each([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['OTP_TTL_SEC', { OTP_TTL_SEC: '-1' }],
    ['NODE_ENV', { NODE_ENV: 'prod' }],
    ['JWT_SECRET', { ...DEVELOPMENT, JWT_SECRET: 'too-short' }],
    ['JWT_SECRET', { ...PRODUCTION, JWT_SECRET: '' }],
    ['OTP_SECRET', { ...PRODUCTION, OTP_SECRET: '' }],
    ['DATABASE_URL', { ...PRODUCTION, DATABASE_URL: '' }],
    ['AUTH_TEST_PHONE_CODES', { ...DEVELOPMENT, AUTH_TEST_PHONE_CODES: '+15555550100:12345' }],
    ['AUTH_TEST_PHONE_CODES', { ...DEVELOPMENT, AUTH_TEST_PHONE_CODES: '5555550100:123456' }],
    ['REDIS_PREFIX', { ...DEVELOPMENT, REDIS_PREFIX: 'has:colon' }],
    ['TWILIO_AUTH_TOKEN', { ...PRODUCTION, TWILIO_AUTH_TOKEN: '' }],
    ['STRIPE_WEBHOOK_SECRET', { ...PRODUCTION, STRIPE_WEBHOOK_SECRET: '' }],
    ['FIREBASE_PROJECT_ID', { ...PRODUCTION, FIREBASE_PROJECT_ID: '' }],
    ['FIREBASE_PRIVATE_KEY', { ...PRODUCTION, FIREBASE_CLIENT_EMAIL: 'sa@biddt-prod.iam.gserviceaccount.com' }],
    ['TRUST_PROXY', { ...DEVELOPMENT, TRUST_PROXY: 'true' }],
    ['TRUST_PROXY', { ...DEVELOPMENT, TRUST_PROXY: '10.0.0.0/33' }],
    ['TRUST_PROXY', { ...DEVELOPMENT, TRUST_PROXY: '10.0.0.1,proxy.internal' }],
    ['SMS_ALLOWED_COUNTRY_CODES', { ...DEVELOPMENT, SMS_ALLOWED_COUNTRY_CODES: '1' }],
    ['SMS_ALLOWED_COUNTRY_CODES', { ...DEVELOPMENT, SMS_ALLOWED_COUNTRY_CODES: '+1,+44x' }],
    ['METRICS_TOKEN', { ...PRODUCTION, METRICS_TOKEN: 'short' }],
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

  it('applies production rules when NODE_ENV is not set, listing every missing variable at once', () => {
    const err = configErrorFor({});
    expect(named(err)).toEqual(
      expect.arrayContaining([
        'JWT_SECRET',
        'OTP_SECRET',
        'DATABASE_URL',
        'REDIS_URL',
        'TWILIO_ACCOUNT_SID',
        'TWILIO_AUTH_TOKEN',
        'TWILIO_FROM_NUMBER',
        'STRIPE_SECRET_KEY',
        'STRIPE_WEBHOOK_SECRET',
        'FIREBASE_PROJECT_ID',
      ]),
    );
    const { NODE_ENV: _unset, ...withoutNodeEnv } = PRODUCTION;
    const config = loadConfig({ ...withoutNodeEnv, AUTH_TEST_PHONE_CODES: '+15555550100:123456' });
    expect(config.env).toBe('production');
    expect(config.devConveniences).toBe(false);
    expect(config.auth.testPhoneCodes.size).toBe(0);
  });

  it('reads TRUST_PROXY as a hop count or a list of addresses/CIDRs, and no proxy by default', () => {
    expect(loadConfig(DEVELOPMENT).trustProxy).toBe(false);
    expect(loadConfig({ ...DEVELOPMENT, TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ ...DEVELOPMENT, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ ...DEVELOPMENT, TRUST_PROXY: '10.0.0.0/8, 127.0.0.1 ,::1,loopback' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
      '::1',
      'loopback',
    ]);
    expect(configErrorFor({ ...DEVELOPMENT, TRUST_PROXY: 'true' }).message).toMatch(/hop count.*CIDR/);
    expect(loadConfig({ ...DEVELOPMENT, TRUST_PROXY: '5' }).trustProxy).toBe(5);
    // A count past any real chain believes the client's own X-Forwarded-For entries.
    const tooMany = configErrorFor({ ...DEVELOPMENT, TRUST_PROXY: '1000' });
    expect([named(tooMany), tooMany.message]).toEqual([['TRUST_PROXY'], expect.stringMatching(/at most 5/)]);
  });

  it.each([
    ['0.0.0.0/0'],
    ['::/0'],
    ['0.0.0.0/1,128.0.0.0/1'],
    ['::/1,8000::/1'],
    ['10.0.0.1, 64.0.0.0/7'],
    ['2001::/15'],
    // An IPv4-mapped IPv6 range spans IPv4 clients too: ::ffff:0:0/96 is every IPv4 address.
    ['::ffff:0:0/96'],
    ['::ffff:10.0.0.0/103'],
    // Node calls it an address, Express's proxy-addr does not: it must fail here, not at `app.set`.
    ['::1.2.3.4'],
  ])('refuses TRUST_PROXY=%s (trusts far more than a proxy, or Express cannot read it), naming the variable', (value) => {
    const err = configErrorFor({ ...DEVELOPMENT, TRUST_PROXY: value });
    expect(named(err)).toEqual(['TRUST_PROXY']);
    expect(err.message).toContain('TRUST_PROXY');
  });

  it('accepts proxy-sized ranges, and every list it accepts is one Express can use', () => {
    const accepted = [
      '10.0.0.0/8',
      '172.16.0.0/12,192.168.0.0/16',
      'fd12:3456::/32',
      '2001:db8::/32',
      '::ffff:10.0.0.0/104',
      '10.1.2.3/32',
      '::ffff:10.1.2.3',
      'loopback,linklocal,uniquelocal',
    ];
    for (const value of accepted) {
      const { trustProxy } = loadConfig({ ...DEVELOPMENT, TRUST_PROXY: value });
      expect(Array.isArray(trustProxy)).toBe(true);
      expect(() => express().set('trust proxy', trustProxy)).not.toThrow();
    }
  });

  it('reads the SMS rules, with +1 and a daily budget by default', () => {
    expect(loadConfig(DEVELOPMENT).sms).toEqual({ allowedCountryCodes: ['+1'], dailyLimit: 5000 });
    expect(loadConfig({ ...DEVELOPMENT, SMS_ALLOWED_COUNTRY_CODES: '+1, +44', SMS_DAILY_LIMIT: '20' }).sms).toEqual({
      allowedCountryCodes: ['+1', '+44'],
      dailyLimit: 20,
    });
  });

  it('opens /metrics and /docs in development and test, closes them in production unless configured', () => {
    expect(loadConfig(DEVELOPMENT)).toMatchObject({ metrics: { open: true }, docsEnabled: true });
    expect(loadConfig({ NODE_ENV: 'test' })).toMatchObject({ metrics: { open: true }, docsEnabled: true });
    expect(loadConfig(PRODUCTION)).toMatchObject({ metrics: { open: false, token: undefined }, docsEnabled: false });
    const token = 'm'.repeat(24);
    expect(loadConfig({ ...PRODUCTION, METRICS_TOKEN: token, DOCS_ENABLED: '1' })).toMatchObject({
      metrics: { open: false, token },
      docsEnabled: true,
    });
    expect(loadConfig({ ...DEVELOPMENT, DOCS_ENABLED: '0' }).docsEnabled).toBe(false);
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
    expect(loadConfig({ ...DEVELOPMENT, AUTH_TEST_PHONE_CODES: codes }).auth.testPhoneCodes.size).toBe(2);
  });

  it('ignores AUTH_TEST_PHONE_CODES in production', () => {
    const config = loadConfig({ ...PRODUCTION, AUTH_TEST_PHONE_CODES: '+15555550100:123456' });
    expect(config.auth.testPhoneCodes.size).toBe(0);
  });
});

describe('DEV_STAFF_PHONES', () => {
  it('defaults to the two fictional staff phones in development, is empty in test unless set, and is ignored in production', () => {
    expect([...loadConfig(DEVELOPMENT).auth.devStaffPhones]).toEqual([
      ['+15555550198', 'support'],
      ['+15555550199', 'admin'],
    ]);
    expect(loadConfig({ NODE_ENV: 'test' }).auth.devStaffPhones.size).toBe(0);
    expect(loadConfig({ ...PRODUCTION, DEV_STAFF_PHONES: '+15555550199:admin' }).auth.devStaffPhones.size).toBe(0);
  });

  it('refuses an entry that is not "+E164:support|admin"', () => {
    expect(named(configErrorFor({ ...DEVELOPMENT, DEV_STAFF_PHONES: '+15555550199:root' }))).toEqual(['DEV_STAFF_PHONES']);
  });
});
