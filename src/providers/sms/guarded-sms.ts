import type { Config } from '../../config/config';
import type { Clock } from '../../shared/clock';
import { AppError } from '../../shared/errors';
import { RedisScript, type Redis } from '../../shared/redis';
import type { SmsSender } from './sms';

const DAY_MS = 86_400_000;

// INCR and the expiry in one step, so a crash between them cannot leave a counter that never expires.
const TAKE_SCRIPT = new RedisScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`);

/** Whether `phoneNumber` (E.164) starts with one of the allowed country calling codes. */
export function smsCountryAllowed(allowedCountryCodes: readonly string[], phoneNumber: string): boolean {
  return allowedCountryCodes.some((code) => phoneNumber.startsWith(code));
}

export const phoneCountryNotSupported = (allowed: readonly string[]) =>
  new AppError('unprocessable', 'phone_country_not_supported', `Biddt texts only numbers in ${allowed.join(', ')}.`, {
    errors: [{ field: 'phoneNumber', message: `country code not supported (allowed: ${allowed.join(', ')})` }],
  });

/** 503 `sms_unavailable`: no text can go out right now (daily budget spent, provider down); retry after `retryAfterSec`. */
export const smsUnavailable = (retryAfterSec: number) =>
  new AppError('unavailable', 'sms_unavailable', 'Text messages are unavailable right now; try again later.', { retryAfterSec });

/** Seconds from `now` to the next UTC midnight, when the daily budget starts again. */
export function secondsToUtcMidnight(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}

/**
 * The platform's SMS rules around the real sender (SMS pumping runs up the bill): only allowed country
 * codes, and at most `dailyLimit` messages per UTC day across every process, counted in Redis.
 */
export class GuardedSms implements SmsSender {
  constructor(
    private readonly inner: SmsSender,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly rules: Config['sms'],
    private readonly clock: Clock,
  ) {}

  async send(to: string, body: string): Promise<void> {
    if (!smsCountryAllowed(this.rules.allowedCountryCodes, to)) throw phoneCountryNotSupported(this.rules.allowedCountryCodes);
    const key = await this.take();
    try {
      await this.inner.send(to, body);
    } catch (err) {
      // Not sent: give the slot back so a provider outage does not eat the day's budget.
      await this.redis.decr(key);
      throw err;
    }
  }

  /** Spends one message of today's budget; throws 503 `sms_unavailable` when it is spent. */
  private async take(): Promise<string> {
    const now = this.clock.now();
    const key = `${this.prefix}:sms:sent:${now.toISOString().slice(0, 10)}`;
    const count = Number(await TAKE_SCRIPT.run(this.redis, [key], [2 * DAY_MS]));
    if (count > this.rules.dailyLimit) {
      // Refused attempts give their increment back, so the counter stays the number actually allowed.
      await this.redis.decr(key);
      throw smsUnavailable(secondsToUtcMidnight(now));
    }
    return key;
  }
}
