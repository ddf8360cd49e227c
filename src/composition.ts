import type { Config } from './config/config';
import { createDb } from '../db/connection';
import { SessionRevocations } from './modules/auth';
import { BidResults, BidsInFlight, enqueueDrain, withdrawSuspendedOnClose, type DrainWakeups } from './modules/bidding';
import type { CrashHook } from './modules/escrow';
import { FirebaseIdentity, type IdentityVerifier } from './providers/identity/firebase-identity';
import { createPayments } from './providers/payments/create-payments';
import type { Payments } from './providers/payments/payments';
import { FirebasePush } from './providers/push/firebase-push';
import { LogPush } from './providers/push/log-push';
import type { PushSender } from './providers/push/push';
import { ConsoleSms } from './providers/sms/console-sms';
import { GuardedSms } from './providers/sms/guarded-sms';
import type { SmsSender } from './providers/sms/sms';
import { TwilioSms } from './providers/sms/twilio-sms';
import { createStorage } from './providers/storage/create-storage';
import type { ObjectStorage } from './providers/storage/storage';
import { systemClock, type Clock } from './shared/clock';
import { createLogger, type Logger } from './shared/logger';
import { createQueues } from './shared/jobs';
import type { Platform } from './shared/platform';
import { RateLimits } from './shared/rate-limits';
import { DependencyHealth } from './shared/dependency-health';
import { DatabaseProbe } from './shared/readiness.repository';
import { closeRedis, createRedis, failFastOptions, whenReady } from './shared/redis';
import { withTimeout } from './shared/timeout';

export type Role = 'api' | 'realtime' | 'workers' | 'all' | 'test';

/**
 * Everything a process needs, built once: the platform's infrastructure plus the few stateful services
 * of modules. Modules never import this type; each states the slice it needs (`Pick<Platform, …>`).
 */
export interface Deps extends Platform {
  role: Role;
  revocations: SessionRevocations;
  bidsInFlight: BidsInFlight;
  bidResults: BidResults;
  /** The close's withdrawal of a suspended leader's bids (bidding's, handed to the auctions module below it). */
  withdrawSuspendedBidders: typeof withdrawSuspendedOnClose;
  /** Workers process only (started by `startWorkers`): a drain that ran dry waits on it for the next bid. */
  drainWakeups?: DrainWakeups;
  /** Tests only: throws at named points of the money paths to simulate a crash there. */
  crashHook?: CrashHook;
  /** What the request path knows of PostgreSQL and Redis (fast 503s while one is down). */
  health: DependencyHealth;
  close(): Promise<void>;
}

/** Longest a process start waits for Redis; past it, it starts anyway and answers 503 until Redis is up. */
const REDIS_START_WAIT_MS = 5000;

export interface DepsOverrides {
  logger?: Logger;
  clock?: Clock;
  sms?: SmsSender;
  push?: PushSender;
  payments?: Payments;
  identity?: IdentityVerifier;
  storage?: ObjectStorage;
  crashHook?: CrashHook;
}

/** The composition root shared by the api, realtime and workers processes. */
export async function createDeps(config: Config, role: Role, overrides: DepsOverrides = {}): Promise<Deps> {
  if (!config.databaseUrl) throw new Error('DATABASE_URL is not set (npm start provides an embedded PostgreSQL)');
  if (!config.redisUrl) throw new Error('REDIS_URL is not set (npm start spawns a local redis-server)');
  const logger = overrides.logger ?? createLogger(config.logLevel, { role });
  let closing = false;
  // pg's pool.end() returns before its clients have said goodbye: a database stopped right after
  // (npm start's embedded one) ends them with 57P01, which is expected then and worth a line otherwise.
  const db = createDb(config.databaseUrl, config.databasePoolMax, (err) => {
    if (closing) return;
    const { code, message } = err as Error & { code?: string };
    logger.warn({ code, message }, 'idle database connection lost');
  }, config.databaseTimeouts, config.databasePrepare ? {} : false);
  // Workers wait out a Redis blip (their jobs hold no caller); every other role serves callers and
  // must answer them promptly, so its connection fails fast (docs/ARCHITECTURE.md "Failure behaviour").
  const redis = createRedis(config.redisUrl, role === 'workers' ? {} : failFastOptions(config.redisCommandTimeoutMs));
  // The queues get a connection of their own, same options: BullMQ defines its 64 scripts on the
  // connection it is given, and ioredis copies every defined script onto each auto-pipeline it
  // builds, which made every command of the request path 40–110 µs of CPU dearer (docs/BENCHMARKS.md, session 6).
  const queueConnection = redis.duplicate();
  // Without an offline queue a command sent before the first connect fails: let it connect first.
  if (role !== 'workers') await Promise.all([whenReady(redis, REDIS_START_WAIT_MS), whenReady(queueConnection, REDIS_START_WAIT_MS)]);
  const probe = new DatabaseProbe(config.databaseUrl);
  void probe.warm(config.databaseTimeouts.connectMs);
  const health = new DependencyHealth(
    {
      postgres: (ms) => probe.ping(ms),
      redis: (ms) => withTimeout(redis.ping(), ms).then(() => undefined),
    },
    logger,
    { probeTimeoutMs: config.dependencyProbeTimeoutMs, recheckMs: 250 },
  );
  const queues = createQueues(queueConnection, config.redisPrefix);
  // Unheard, each failed reconnect is printed to stderr (ioredis) or thrown (an EventEmitter 'error').
  const reportRedisError = throttledWarning(logger, 'redis connection error (requests answer 503 until it is back)');
  redis.on('error', reportRedisError);
  queueConnection.on('error', reportRedisError);
  for (const queue of Object.values(queues)) queue.on('error', reportRedisError);
  const bidResults = new BidResults(redis, config.redisPrefix);
  const clock = overrides.clock ?? systemClock;
  // Processes that take bids wait for their outcome.
  if (role !== 'workers') await bidResults.listen();
  const deps: Deps = {
    role,
    config,
    logger,
    clock,
    db,
    redis,
    queues,
    rateLimits: new RateLimits(redis, config.redisPrefix, config.rateLimits),
    revocations: new SessionRevocations(redis, config.redisPrefix, config.auth.accessTtlSec),
    // Stand-ins included: the country and daily-budget rules hold whatever sends the message.
    sms: new GuardedSms(overrides.sms ?? createSms(config), redis, config.redisPrefix, config.sms, clock),
    push: overrides.push ?? createPush(config),
    payments: overrides.payments ?? createPayments(config),
    identity: overrides.identity ?? (config.firebase ? new FirebaseIdentity(config.firebase) : undefined),
    storage: overrides.storage ?? createStorage(config),
    // The close re-drains a listing whose stream still holds old commands with no drain claimed.
    bidsInFlight: new BidsInFlight(redis, config.redisPrefix, (listingId, generation) => enqueueDrain(queues, listingId, generation)),
    bidResults,
    withdrawSuspendedBidders: withdrawSuspendedOnClose,
    crashHook: overrides.crashHook,
    health,
    async close() {
      closing = true;
      await health.close();
      probe.close();
      await bidResults.close();
      await Promise.allSettled(Object.values(queues).map((q) => q.close()));
      await Promise.allSettled([db.destroy(), closeRedis(redis), closeRedis(queueConnection)]);
    },
  };
  return deps;
}

/** A warning logged at most every 10 s: a dependency down fails every reconnect attempt, several a second. */
function throttledWarning(logger: Logger, message: string): (err: Error) => void {
  let last = 0;
  return (err) => {
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    logger.warn({ message: err.message }, message);
  };
}

function createPush(config: Config): PushSender {
  if (config.firebase) return new FirebasePush(config.firebase);
  if (!config.devConveniences) throw new Error('FIREBASE_PROJECT_ID (and credentials) are required for push in production');
  return new LogPush();
}

function createSms(config: Config): SmsSender {
  if (config.twilio) return new TwilioSms(config.twilio);
  if (!config.devConveniences) throw new Error('TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN/TWILIO_FROM_NUMBER are required in production');
  return new ConsoleSms();
}
