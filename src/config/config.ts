import { z } from 'zod';
import { envSchema, type Env } from './env';
import { parseTrustProxy, type TrustProxy } from './trust-proxy';

/** Typed, frozen configuration derived from the environment once at start-up. */
export interface Config {
  env: Env['NODE_ENV'];
  /** SPEC dev/test conveniences (test phone codes, stand-ins) are active only here. */
  devConveniences: boolean;
  host: string;
  port: number;
  realtimePort: number;
  publicBaseUrl: string;
  logLevel: Env['LOG_LEVEL'];
  /** Express `trust proxy`: false, a hop count, or trusted proxy addresses/CIDRs — never "everyone". */
  trustProxy: TrustProxy;
  corsOrigins: string[] | '*';
  databaseUrl: string | undefined;
  databasePoolMax: number;
  /** PostgreSQL bounds in ms (0 = none): wait for a connection, keep an idle one, run a statement, sit idle inside a transaction. */
  databaseTimeouts: { connectMs: number; idleMs: number; statementMs: number; idleInTransactionMs: number };
  /** Frequent statements are prepared on each connection (db/prepared.ts); `DATABASE_PREPARE=off` sends all unnamed. */
  databasePrepare: boolean;
  redisUrl: string | undefined;
  /** A Redis command on the request path fails after this long instead of waiting for a hung server. */
  redisCommandTimeoutMs: number;
  /** The dependency probe marks PostgreSQL or Redis down when it has not answered within this long. */
  dependencyProbeTimeoutMs: number;
  redisPrefix: string;
  auth: {
    jwtSecret: string;
    issuer: string;
    audience: string;
    accessTtlSec: number;
    refreshTtlSec: number;
    otpSecret: string;
    otpTtlSec: number;
    otpMaxAttempts: number;
    testPhoneCodes: ReadonlyMap<string, string>;
    /** Development/test only: phones made staff when they sign in (`DEV_STAFF_PHONES`); empty in production. */
    devStaffPhones: ReadonlyMap<string, 'support' | 'admin'>;
  };
  twilio: { accountSid: string; authToken: string; fromNumber: string; statusCallbackUrl?: string } | undefined;
  sms: { allowedCountryCodes: string[]; dailyLimit: number };
  /** `/metrics` (api, realtime, workers): open in development/test; in production only with this bearer token, else off. */
  metrics: { token: string | undefined; open: boolean; workersPort: number };
  /** Serve `/docs` (Swagger UI) and `/openapi.json`. */
  docsEnabled: boolean;
  firebase: { projectId: string; clientEmail?: string; privateKey?: string } | undefined;
  /** `apiBase`: where the SDK sends requests (unset: api.stripe.com); development points it at the local stand-in. */
  stripe: {
    secretKey: string | undefined;
    webhookSecret: string | undefined;
    /** The signing secret of the Connect endpoint (events of connected accounts); either secret verifies. */
    connectWebhookSecret: string | undefined;
    apiBase: string | undefined;
    /** Per-request timeout of the SDK, and how many times the SDK itself retries a failed request. */
    timeoutMs: number;
    maxNetworkRetries: number;
  };
  storage: {
    driver: 'disk' | 's3';
    dir: string;
    s3?: { bucket: string; region?: string; endpoint?: string; accessKeyId?: string; secretAccessKey?: string };
  };
  rateLimits: {
    sendCodePerIpPerMin: number;
    sendCodePerPhonePerHour: number;
    sendCodePhoneIntervalSec: number;
    authPerIpPerMin: number;
    apiPerUserPerMin: number;
    bidsPerUserPerMin: number;
    newAccountListingsPerHour: number;
  };
  fees: { minPriceCents: number; commissionBps: number; escrowFeeCents: number };
  timing: {
    auctionMinDurationSec: number;
    softCloseWindowSec: number;
    softCloseExtensionSec: number;
    paymentDeadlineSec: number;
    qrTokenTtlSec: number;
    disputeEscalationSec: number;
    /** Seconds before the effective end at which `ending_soon` goes to the listing room. */
    endingSoonLeadSec: number;
    bidWaitMs: number;
    bidDrainLingerMs: number;
    /**
     * A close batch's jobs (notifications, payment reminder and deadline) are queued this long after
     * its commit, so that when thousands of auctions end in one second their queueing and fan-out do
     * not compete with the closes still to come.
     */
    closeJobsDelayMs: number;
    /**
     * A bid batch's outbid notifications (in-app row, push) are queued this long after its commit,
     * so that the relay merges those of many batches into one delivery job; 0 = at once. The
     * `outbid` socket event is not held.
     */
    outbidNotifyDelayMs: number;
    /** An anonymous browse page is answered from memory for this long after it was read (0 = never). */
    browseCacheMs: number;
    shutdownTimeoutMs: number;
    /** An unfinished Idempotency-Key claim older than this belongs to a dead request: a retry may take it over. */
    idempotencyLeaseMs: number;
    /** BullMQ job lock and stalled-job check period (a dead worker's jobs are retried after these). */
    jobLockDurationMs: number;
    jobStalledIntervalMs: number;
    /** How often workers check that every job scheduler (the sweeps) still exists in Redis. */
    scheduleCheckMs: number;
  };
  /** Durable money intents: when one counts as failing, how retries back off (for days), how long a claim holds. */
  moneyIntents: { failingAfterAttempts: number; backoffBaseMs: number; backoffMaxMs: number; leaseMs: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** SPEC §9: the two fictional staff numbers sign in as staff in development unless told otherwise. */
export const DEFAULT_DEV_STAFF_PHONES = '+15555550198:support,+15555550199:admin';

/** `DEV_STAFF_PHONES` parsed (its format was checked by envSchema): development defaults it, test reads it, production ignores it. */
function devStaffPhonesOf(e: Env): Map<string, 'support' | 'admin'> {
  const staff = new Map<string, 'support' | 'admin'>();
  if (e.NODE_ENV === 'production') return staff;
  const raw = e.DEV_STAFF_PHONES ?? (e.NODE_ENV === 'development' ? DEFAULT_DEV_STAFF_PHONES : '');
  for (const pair of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [phone, role] = pair.split(':');
    staff.set(phone, role as 'support' | 'admin');
  }
  return staff;
}

/** Parses `AUTH_TEST_PHONE_CODES` ("+15555550100:123456,…"); its format was checked by envSchema. */
function parseTestPhoneCodes(raw: string): Map<string, string> {
  const codes = new Map<string, string>();
  for (const pair of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [phone, code] = pair.split(':');
    codes.set(phone, code);
  }
  return codes;
}

/** The parsed `TRUST_PROXY`; envSchema already refused a bad one. */
function trustProxyOf(raw: string | undefined): TrustProxy {
  const parsed = parseTrustProxy(raw);
  return 'value' in parsed ? parsed.value : false;
}

/** Validates the environment and returns a frozen Config; throws ConfigError naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  return Object.freeze(toConfig(parsed.data));
}

function toConfig(e: Env): Config {
  const devConveniences = e.NODE_ENV !== 'production';
  return {
    env: e.NODE_ENV,
    devConveniences,
    host: e.HOST,
    port: e.PORT,
    realtimePort: e.REALTIME_PORT,
    publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://${e.HOST}:${e.PORT}`,
    logLevel: e.LOG_LEVEL,
    trustProxy: trustProxyOf(e.TRUST_PROXY),
    corsOrigins: e.CORS_ORIGINS === '*' ? '*' : e.CORS_ORIGINS.split(',').map((s) => s.trim()),
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    databaseTimeouts: {
      connectMs: e.DATABASE_CONNECT_TIMEOUT_MS,
      idleMs: e.DATABASE_IDLE_TIMEOUT_MS,
      statementMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      idleInTransactionMs: e.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    databasePrepare: e.DATABASE_PREPARE === 'on',
    redisUrl: e.REDIS_URL,
    redisCommandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    dependencyProbeTimeoutMs: e.DEPENDENCY_PROBE_TIMEOUT_MS,
    redisPrefix: e.REDIS_PREFIX,
    auth: {
      jwtSecret: e.JWT_SECRET,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      accessTtlSec: e.ACCESS_TOKEN_TTL_SEC,
      refreshTtlSec: e.REFRESH_TOKEN_TTL_SEC,
      otpSecret: e.OTP_SECRET,
      otpTtlSec: e.OTP_TTL_SEC,
      otpMaxAttempts: e.OTP_MAX_ATTEMPTS,
      testPhoneCodes: devConveniences ? parseTestPhoneCodes(e.AUTH_TEST_PHONE_CODES) : new Map(),
      devStaffPhones: devStaffPhonesOf(e),
    },
    twilio:
      e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN && e.TWILIO_FROM_NUMBER
        ? {
            accountSid: e.TWILIO_ACCOUNT_SID,
            authToken: e.TWILIO_AUTH_TOKEN,
            fromNumber: e.TWILIO_FROM_NUMBER,
            statusCallbackUrl: e.TWILIO_STATUS_CALLBACK_URL,
          }
        : undefined,
    sms: { allowedCountryCodes: e.SMS_ALLOWED_COUNTRY_CODES.split(',').map((s) => s.trim()), dailyLimit: e.SMS_DAILY_LIMIT },
    metrics: { token: e.METRICS_TOKEN, open: devConveniences, workersPort: e.WORKERS_METRICS_PORT },
    docsEnabled: e.DOCS_ENABLED ?? devConveniences,
    firebase: e.FIREBASE_PROJECT_ID
      ? { projectId: e.FIREBASE_PROJECT_ID, clientEmail: e.FIREBASE_CLIENT_EMAIL, privateKey: e.FIREBASE_PRIVATE_KEY }
      : undefined,
    stripe: {
      secretKey: e.STRIPE_SECRET_KEY,
      webhookSecret: e.STRIPE_WEBHOOK_SECRET,
      connectWebhookSecret: e.STRIPE_CONNECT_WEBHOOK_SECRET,
      apiBase: e.STRIPE_API_BASE,
      timeoutMs: e.STRIPE_TIMEOUT_MS,
      maxNetworkRetries: e.STRIPE_MAX_NETWORK_RETRIES ?? (e.NODE_ENV === 'test' ? 0 : 2),
    },
    storage: {
      driver: e.STORAGE_DRIVER,
      dir: e.STORAGE_DIR,
      s3: e.S3_BUCKET
        ? {
            bucket: e.S3_BUCKET,
            region: e.S3_REGION,
            endpoint: e.S3_ENDPOINT,
            accessKeyId: e.S3_ACCESS_KEY_ID,
            secretAccessKey: e.S3_SECRET_ACCESS_KEY,
          }
        : undefined,
    },
    rateLimits: {
      sendCodePerIpPerMin: e.RATE_LIMIT_SEND_CODE_PER_IP_PER_MIN,
      sendCodePerPhonePerHour: e.RATE_LIMIT_SEND_CODE_PER_PHONE_PER_HOUR,
      sendCodePhoneIntervalSec: e.RATE_LIMIT_SEND_CODE_PHONE_INTERVAL_SEC,
      authPerIpPerMin: e.RATE_LIMIT_AUTH_PER_IP_PER_MIN,
      apiPerUserPerMin: e.RATE_LIMIT_API_PER_USER_PER_MIN,
      bidsPerUserPerMin: e.RATE_LIMIT_BIDS_PER_USER_PER_MIN,
      newAccountListingsPerHour: e.RATE_LIMIT_NEW_ACCOUNT_LISTINGS_PER_HOUR,
    },
    fees: { minPriceCents: e.MIN_PRICE_CENTS, commissionBps: e.COMMISSION_BPS, escrowFeeCents: e.ESCROW_FEE_CENTS },
    timing: {
      auctionMinDurationSec: e.AUCTION_MIN_DURATION_SEC,
      softCloseWindowSec: e.SOFT_CLOSE_WINDOW_SEC,
      softCloseExtensionSec: e.SOFT_CLOSE_EXTENSION_SEC,
      paymentDeadlineSec: e.PAYMENT_DEADLINE_SEC,
      qrTokenTtlSec: e.QR_TOKEN_TTL_SEC,
      disputeEscalationSec: e.DISPUTE_ESCALATION_SEC,
      endingSoonLeadSec: e.ENDING_SOON_LEAD_SEC,
      bidWaitMs: e.BID_WAIT_MS,
      bidDrainLingerMs: e.BID_DRAIN_LINGER_MS,
      closeJobsDelayMs: e.CLOSE_JOBS_DELAY_MS,
      outbidNotifyDelayMs: e.OUTBID_NOTIFY_DELAY_MS,
      browseCacheMs: e.BROWSE_CACHE_MS,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      idempotencyLeaseMs: e.IDEMPOTENCY_LEASE_MS,
      jobLockDurationMs: e.BULLMQ_LOCK_DURATION_MS,
      jobStalledIntervalMs: e.BULLMQ_STALLED_INTERVAL_MS,
      scheduleCheckMs: e.SCHEDULE_CHECK_MS,
    },
    moneyIntents: {
      failingAfterAttempts: e.MONEY_INTENT_FAILING_AFTER,
      backoffBaseMs: e.MONEY_INTENT_BACKOFF_BASE_MS,
      backoffMaxMs: e.MONEY_INTENT_BACKOFF_MAX_MS,
      leaseMs: e.MONEY_INTENT_LEASE_MS,
    },
  };
}

/** Loads config or exits the process with a message naming each bad variable. */
export function loadConfigOrExit(source: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(source);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof z.ZodError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
