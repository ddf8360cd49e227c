import { randomUUID } from 'node:crypto';
import { RedisScript, type Redis } from '../../shared/redis';

/**
 * How long one delivery may hold a notification: longer than its pushes and its text take (Twilio's
 * retries included), short enough that a worker that died mid-send delays the retry only a little.
 */
export const DELIVERY_LEASE_MS = 60_000;

const DELETE_IF_HOLDS = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/** Deletes `key` only if it still holds `value` (it may have expired and been taken by someone else since). */
export async function deleteIfHolds(redis: Redis, key: string, value: string): Promise<void> {
  await DELETE_IF_HOLDS.run(redis, [key], [value]);
}

/**
 * Another delivery of the same notification is sending it right now. Not an AppError: the job is
 * retried with backoff and then finds the notification delivered (or the lease expired).
 */
export class DeliveryInProgressError extends Error {
  constructor(dedupeKey: string) {
    super(`notification ${dedupeKey} is being delivered by another job`);
    this.name = 'DeliveryInProgressError';
  }
}

/**
 * Runs `send` while holding the notification's delivery lease, so two jobs carrying the same
 * notification at once (a stalled job re-run, an outbox pass repeated after a crash) cannot both
 * push and text it; throws DeliveryInProgressError when another delivery holds it.
 */
export async function withDeliveryLease<T>(redis: Redis, prefix: string, notificationId: string, dedupeKey: string, send: () => Promise<T>): Promise<T> {
  const key = `${prefix}:notification-sending:${notificationId}`;
  const owner = randomUUID();
  const taken = await redis.set(key, owner, 'PX', DELIVERY_LEASE_MS, 'NX');
  if (taken !== 'OK') throw new DeliveryInProgressError(dedupeKey);
  try {
    return await send();
  } finally {
    await deleteIfHolds(redis, key, owner);
  }
}
