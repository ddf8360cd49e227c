import Redis, { type RedisOptions } from 'ioredis';

export type { Redis };

/** A Redis connection usable by BullMQ too (BullMQ workers require maxRetriesPerRequest: null). */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...options });
}
