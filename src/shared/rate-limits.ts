import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config/config';
import { rateLimited } from './errors';
import { RedisScript, type Redis } from './redis';

// Gives points back to a window still open, never below zero. rate-limiter-flexible's own `reward`
// would, once the window has expired, open a new one at -points: extra room the caller never lost.
const REFUND_SCRIPT = new RedisScript(`
local consumed = tonumber(redis.call('GET', KEYS[1]))
if not consumed or consumed <= 0 then return 0 end
local n = math.min(consumed, tonumber(ARGV[1]))
redis.call('DECRBY', KEYS[1], n)
return n`);

/** The limits of SPEC §4, each configurable through a RATE_LIMIT_* variable. */
export type LimitName =
  | 'sendCodeIp'
  | 'sendCodePhone'
  | 'sendCodePhoneInterval'
  | 'authIp'
  | 'apiUser'
  | 'bidsUser'
  | 'newAccountListings';

interface LimitShape {
  points: number;
  durationSec: number;
}

function shapes(c: Config['rateLimits']): Record<LimitName, LimitShape> {
  return {
    sendCodeIp: { points: c.sendCodePerIpPerMin, durationSec: 60 },
    sendCodePhone: { points: c.sendCodePerPhonePerHour, durationSec: 3600 },
    sendCodePhoneInterval: { points: 1, durationSec: c.sendCodePhoneIntervalSec },
    authIp: { points: c.authPerIpPerMin, durationSec: 60 },
    apiUser: { points: c.apiPerUserPerMin, durationSec: 60 },
    bidsUser: { points: c.bidsPerUserPerMin, durationSec: 60 },
    newAccountListings: { points: c.newAccountListingsPerHour, durationSec: 3600 },
  };
}

/** Fixed-window counters in Redis, so every api and realtime process shares the same budget. */
export class RateLimits {
  private readonly limiters: Record<LimitName, RateLimiterRedis | undefined>;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    config: Config['rateLimits'],
  ) {
    const entries = Object.entries(shapes(config)).map(([name, shape]) => [
      name,
      // An interval of 0 seconds (tests) disables that limit.
      shape.durationSec > 0
        ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:rl:${name}`, points: shape.points, duration: shape.durationSec })
        : undefined,
    ]);
    this.limiters = Object.fromEntries(entries) as Record<LimitName, RateLimiterRedis | undefined>;
  }

  /** Spends one point of `name` for `key`; throws a 429 AppError with Retry-After when exhausted. */
  async consume(name: LimitName, key: string): Promise<void> {
    const limiter = this.limiters[name];
    if (!limiter) return;
    try {
      await limiter.consume(key);
    } catch (err) {
      if (err instanceof RateLimiterRes) throw rateLimited(err.msBeforeNext / 1000);
      throw err;
    }
  }

  /**
   * Gives back `points` (one by default) of `name` for `key` that `consume` or `consumeAll` took, for
   * an attempt that turned out not to count. Consume first and refund after, never check first and
   * consume on success: the points are held while the attempt runs, so a burst of concurrent attempts
   * still cannot exceed the limit.
   */
  async refund(name: LimitName, key: string, points = 1): Promise<void> {
    const limiter = this.limiters[name];
    if (!limiter || points <= 0) return;
    await REFUND_SCRIPT.run(this.redis, [limiter.getKey(key)], [points]);
  }

  /**
   * Spends `points` of `name` for `key` all at once, or none: a batch that does not fit gives its
   * points back (the counter is incremented before the check), so a refused batch leaves the budget
   * as it found it. `remaining` is what was left of the budget before the batch.
   */
  async consumeAll(name: LimitName, key: string, points: number): Promise<{ ok: true } | { ok: false; remaining: number; retryAfterSec: number }> {
    const limiter = this.limiters[name];
    if (!limiter || points <= 0) return { ok: true };
    try {
      await limiter.consume(key, points);
      return { ok: true };
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      await limiter.reward(key, points);
      return { ok: false, remaining: Math.max(0, limiter.points - (err.consumedPoints - points)), retryAfterSec: err.msBeforeNext / 1000 };
    }
  }
}
