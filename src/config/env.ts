import { z } from 'zod';
import { parseTrustProxy } from './trust-proxy';

/** A boolean-ish env string ("1", "true", "yes"…); unset stays undefined so its default can depend on NODE_ENV. */
const flagOrUnset = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v === '1' || v === 'true' || v === 'yes'));
const blankAsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const int = (fallback: number) => z.preprocess(blankAsUnset, z.coerce.number().int().nonnegative().default(fallback));
const port = (fallback: number) => z.preprocess(blankAsUnset, z.coerce.number().int().min(0).max(65535).default(fallback));
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v : undefined));

// Development-only secret: refused outside development/test by the refinement below.
export const DEV_SECRET = 'dev-only-secret-do-not-use-in-production-000000';

/** The entries of `SMS_ALLOWED_COUNTRY_CODES` ("+1,+44") that are not "+" and 1–4 digits. */
export function malformedCountryCodes(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((code) => !/^\+[1-9]\d{0,3}$/.test(code));
}

/** Third-party settings production cannot run without (the development stand-ins are refused there). */
const REQUIRED_IN_PRODUCTION = [
  'DATABASE_URL',
  'REDIS_URL',
  'TWILIO_ACCOUNT_SID',
  'TWILIO_AUTH_TOKEN',
  'TWILIO_FROM_NUMBER',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  'FIREBASE_PROJECT_ID',
] as const;

/** The entries of `DEV_STAFF_PHONES` ("+15555550198:support,…") that are not "+E164:support|admin". */
export function malformedDevStaffPhones(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && !/^\+[1-9]\d{6,14}:(support|admin)$/.test(s));
}

/** The entries of `AUTH_TEST_PHONE_CODES` ("+15555550100:123456,…") that are not "+E164:6digits". */
export function malformedTestPhoneCodes(raw: string): string[] {
  const pairs = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return pairs.filter((pair) => !/^\+[1-9]\d{6,14}:\d{6}$/.test(pair));
}

export const envSchema = z
  .object({
    // Production unless told otherwise: a compiled entry point started without NODE_ENV must not fall
    // back to development secrets or test phones. `npm start` and the test setup set it explicitly.
    NODE_ENV: z.enum(['development', 'test', 'production']).default('production'),
    HOST: z.string().default('127.0.0.1'),
    PORT: port(3000),
    REALTIME_PORT: port(3001),
    PUBLIC_BASE_URL: optionalText,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TRUST_PROXY: optionalText,
    CORS_ORIGINS: z.string().default('*'),

    DATABASE_URL: optionalText,
    DATABASE_POOL_MAX: int(10),
    // Failure bounds (docs/ARCHITECTURE.md "Failure behaviour"); 0 disables a PostgreSQL timeout.
    DATABASE_CONNECT_TIMEOUT_MS: int(2000),
    DATABASE_IDLE_TIMEOUT_MS: int(10000),
    DATABASE_STATEMENT_TIMEOUT_MS: int(30000),
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: int(60000),
    // Server-side prepared statements for frequent statement texts (db/prepared.ts).
    DATABASE_PREPARE: z.enum(['on', 'off']).default('on'),
    REDIS_URL: optionalText,
    REDIS_COMMAND_TIMEOUT_MS: z.preprocess(blankAsUnset, z.coerce.number().int().positive().default(2000)),
    DEPENDENCY_PROBE_TIMEOUT_MS: z.preprocess(blankAsUnset, z.coerce.number().int().positive().default(500)),
    REDIS_PREFIX: z
      .string()
      .regex(/^[a-zA-Z0-9_-]+$/, 'letters, digits, _ and - only')
      .default('biddt'),

    JWT_SECRET: optionalText,
    JWT_ISSUER: z.string().default('biddt'),
    JWT_AUDIENCE: z.string().default('biddt-api'),
    ACCESS_TOKEN_TTL_SEC: int(900),
    REFRESH_TOKEN_TTL_SEC: int(604800),
    OTP_SECRET: optionalText,
    OTP_TTL_SEC: int(300),
    OTP_MAX_ATTEMPTS: int(5),
    AUTH_TEST_PHONE_CODES: z.string().default(''),
    DEV_STAFF_PHONES: optionalText,

    TWILIO_ACCOUNT_SID: optionalText,
    TWILIO_AUTH_TOKEN: optionalText,
    TWILIO_FROM_NUMBER: optionalText,
    TWILIO_STATUS_CALLBACK_URL: optionalText,
    SMS_ALLOWED_COUNTRY_CODES: z.string().default('+1'),
    SMS_DAILY_LIMIT: int(5000),
    FIREBASE_PROJECT_ID: optionalText,
    FIREBASE_CLIENT_EMAIL: optionalText,
    FIREBASE_PRIVATE_KEY: optionalText,

    STRIPE_SECRET_KEY: optionalText,
    STRIPE_WEBHOOK_SECRET: optionalText,
    // Stripe signs events of connected accounts (`account.updated`, …) on a Connect endpoint with its own secret.
    STRIPE_CONNECT_WEBHOOK_SECRET: optionalText,
    STRIPE_API_BASE: optionalText,
    STRIPE_TIMEOUT_MS: z.preprocess(blankAsUnset, z.coerce.number().int().positive().default(10000)),
    // Unset: 2, or 0 under NODE_ENV=test (tests count each call; the product retries its jobs itself).
    STRIPE_MAX_NETWORK_RETRIES: z.preprocess(blankAsUnset, z.coerce.number().int().min(0).max(10).optional()),

    METRICS_TOKEN: optionalText,
    WORKERS_METRICS_PORT: port(9464),
    DOCS_ENABLED: flagOrUnset,

    STORAGE_DRIVER: z.enum(['disk', 's3']).default('disk'),
    STORAGE_DIR: z.string().default('.data/uploads'),
    S3_BUCKET: optionalText,
    S3_REGION: optionalText,
    S3_ENDPOINT: optionalText,
    S3_ACCESS_KEY_ID: optionalText,
    S3_SECRET_ACCESS_KEY: optionalText,

    RATE_LIMIT_SEND_CODE_PER_IP_PER_MIN: int(5),
    RATE_LIMIT_SEND_CODE_PER_PHONE_PER_HOUR: int(5),
    RATE_LIMIT_SEND_CODE_PHONE_INTERVAL_SEC: int(30),
    RATE_LIMIT_AUTH_PER_IP_PER_MIN: int(20),
    RATE_LIMIT_API_PER_USER_PER_MIN: int(100),
    RATE_LIMIT_BIDS_PER_USER_PER_MIN: int(10),
    RATE_LIMIT_NEW_ACCOUNT_LISTINGS_PER_HOUR: int(5),

    MIN_PRICE_CENTS: int(500),
    COMMISSION_BPS: int(600),
    ESCROW_FEE_CENTS: int(199),
    AUCTION_MIN_DURATION_SEC: int(3600),
    SOFT_CLOSE_WINDOW_SEC: int(120),
    SOFT_CLOSE_EXTENSION_SEC: int(120),
    PAYMENT_DEADLINE_SEC: int(172800),
    QR_TOKEN_TTL_SEC: int(300),
    DISPUTE_ESCALATION_SEC: int(1209600),
    // Lead of the `ending_soon` socket event before a listing's effective end (tests use 1).
    ENDING_SOON_LEAD_SEC: int(60),
    BID_WAIT_MS: int(2000),
    // A drain that ran dry waits this long for the listing's next bid before ending (0 = ends at once).
    BID_DRAIN_LINGER_MS: z.preprocess(blankAsUnset, z.coerce.number().int().min(0).max(5000).default(1000)),
    // A close batch's jobs (notifications, payment reminder and deadline) are queued this long after its commit (0 = at once).
    CLOSE_JOBS_DELAY_MS: z.preprocess(blankAsUnset, z.coerce.number().int().min(0).max(60000).default(1000)),
    // A bid batch's outbid notifications are queued this long after its commit, merged with others' (0 = at once).
    OUTBID_NOTIFY_DELAY_MS: z.preprocess(blankAsUnset, z.coerce.number().int().min(0).max(60000).default(1000)),
    // Anonymous browse pages are shared for this long (0 = never cached).
    BROWSE_CACHE_MS: int(1000),
    SHUTDOWN_TIMEOUT_MS: int(10000),
    // An Idempotency-Key whose request died mid-flight is free for a retry after this lease.
    IDEMPOTENCY_LEASE_MS: z.preprocess(blankAsUnset, z.coerce.number().int().min(1000).default(60000)),
    /** Money intents (issue #10): failed attempts before an intent shows as failing, its retry backoff (base, cap) and claim lease. */
    MONEY_INTENT_FAILING_AFTER: z.preprocess(blankAsUnset, z.coerce.number().int().min(1).default(10)),
    MONEY_INTENT_BACKOFF_BASE_MS: z.preprocess(blankAsUnset, z.coerce.number().int().min(1).default(1000)),
    MONEY_INTENT_BACKOFF_MAX_MS: z.preprocess(blankAsUnset, z.coerce.number().int().min(1).default(3_600_000)),
    MONEY_INTENT_LEASE_MS: z.preprocess(blankAsUnset, z.coerce.number().int().min(1000).default(300_000)),
    // BullMQ: how long a worker's lock on a job lasts, and how often workers look for jobs whose lock
    // expired (their worker died). Lower them to recover from a killed worker faster (tests do).
    BULLMQ_LOCK_DURATION_MS: z.preprocess(blankAsUnset, z.coerce.number().int().min(500).default(30000)),
    BULLMQ_STALLED_INTERVAL_MS: z.preprocess(blankAsUnset, z.coerce.number().int().min(100).default(30000)),
    // How often a workers process checks that the repeating jobs (sweeps) still have their scheduler in
    // Redis, re-creating any a FLUSHALL or a restart without data took away.
    SCHEDULE_CHECK_MS: z.preprocess(blankAsUnset, z.coerce.number().int().min(100).default(5000)),
  })
  .superRefine((env, ctx) => {
    const relaxed = env.NODE_ENV !== 'production';
    for (const name of ['JWT_SECRET', 'OTP_SECRET'] as const) {
      const value = env[name];
      if (!value && !relaxed) ctx.addIssue({ code: 'custom', path: [name], message: 'required in production' });
      if (value && value.length < 32) ctx.addIssue({ code: 'custom', path: [name], message: 'must be at least 32 characters' });
    }
    // Checked here rather than while building Config so the error lists it with every other bad variable.
    for (const pair of malformedDevStaffPhones(String(env.DEV_STAFF_PHONES ?? ''))) {
      ctx.addIssue({ code: 'custom', path: ['DEV_STAFF_PHONES'], message: `"${pair}" is not "+E164:support" or "+E164:admin"` });
    }
    for (const pair of malformedTestPhoneCodes(String(env.AUTH_TEST_PHONE_CODES ?? ''))) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_TEST_PHONE_CODES'], message: `"${pair}" is not "+E164:6digits"` });
    }
    for (const name of REQUIRED_IN_PRODUCTION) {
      if (!relaxed && !env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'required in production' });
    }
    if (Boolean(env.FIREBASE_CLIENT_EMAIL) !== Boolean(env.FIREBASE_PRIVATE_KEY)) {
      const missing = env.FIREBASE_CLIENT_EMAIL ? 'FIREBASE_PRIVATE_KEY' : 'FIREBASE_CLIENT_EMAIL';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'FIREBASE_CLIENT_EMAIL and FIREBASE_PRIVATE_KEY go together (or neither, for application default credentials)' });
    }
    const trust = parseTrustProxy(env.TRUST_PROXY);
    if ('error' in trust) ctx.addIssue({ code: 'custom', path: ['TRUST_PROXY'], message: trust.error });
    for (const code of malformedCountryCodes(String(env.SMS_ALLOWED_COUNTRY_CODES ?? ''))) {
      ctx.addIssue({ code: 'custom', path: ['SMS_ALLOWED_COUNTRY_CODES'], message: `"${code}" is not a country calling code such as +1` });
    }
    if (env.METRICS_TOKEN && env.METRICS_TOKEN.length < 16) {
      ctx.addIssue({ code: 'custom', path: ['METRICS_TOKEN'], message: 'must be at least 16 characters' });
    }
    if (env.STRIPE_SECRET_KEY && !env.STRIPE_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['STRIPE_WEBHOOK_SECRET'], message: 'required when STRIPE_SECRET_KEY is set' });
    }
    if (env.STRIPE_API_BASE && !/^https?:\/\/[^/]+\/?$/.test(env.STRIPE_API_BASE)) {
      ctx.addIssue({ code: 'custom', path: ['STRIPE_API_BASE'], message: 'must be an http(s) origin such as http://127.0.0.1:12111' });
    }
    if (env.STORAGE_DRIVER === 's3' && !env.S3_BUCKET) {
      ctx.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'required when STORAGE_DRIVER=s3' });
    }
    // Runs even when a field failed (zod skips refinements then by default), so one start-up lists every bad variable.
  }, { when: () => true })
  .transform((env) => ({
    ...env,
    JWT_SECRET: env.JWT_SECRET ?? DEV_SECRET,
    OTP_SECRET: env.OTP_SECRET ?? DEV_SECRET,
  }));

export type Env = z.infer<typeof envSchema>;
