import { createHash } from 'node:crypto';
import Redis, { type RedisOptions } from 'ioredis';

export type { Redis };

/**
 * A Redis connection usable by BullMQ too (BullMQ workers require maxRetriesPerRequest: null).
 * Auto-pipelining sends the commands issued in one event-loop tick as one write: on the bid path a
 * socket write per command was the largest CPU cost of the workers (bench/bids profile).
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, enableAutoPipelining: true, ...options });
}

/**
 * A Lua script sent by its SHA1 (EVALSHA) instead of its text. EVAL ships the whole body on every
 * call and Redis hashes it each time to find its cached copy; the bid path runs a script per bid and
 * the close path one per listing. A server that does not hold the script (restarted, SCRIPT FLUSH)
 * answers NOSCRIPT without running anything, so the call is simply repeated as EVAL, which loads it.
 */
export class RedisScript {
  readonly sha: string;

  constructor(readonly body: string) {
    this.sha = createHash('sha1').update(body).digest('hex');
  }

  async run(redis: Redis, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.body, keys.length, ...keys, ...args);
    }
  }
}

/**
 * The request path's connection: a command fails at once while Redis is unreachable (no offline queue,
 * no re-sending after a reconnect) and after `commandTimeoutMs` when Redis hangs, so a request answers
 * 503 instead of waiting for a Redis that may never come back. BullMQ workers and subscribers keep the
 * patient defaults (BullMQ requires maxRetriesPerRequest: null on its blocking connections).
 */
export function failFastOptions(commandTimeoutMs: number): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: commandTimeoutMs,
    // Back within half a second of Redis: requests are refused, not queued, while reconnecting.
    retryStrategy: (attempt) => Math.min(attempt * 50, 500),
  };
}

/** Undoes `failFastOptions` for a `duplicate()` that must wait for Redis instead (a pub/sub subscriber). */
export const PATIENT_OPTIONS: RedisOptions = { enableOfflineQueue: true, maxRetriesPerRequest: null, autoResendUnfulfilledCommands: true, commandTimeout: undefined };

/** Resolves true once `redis` is ready, or false after `ms` (the caller goes on; requests answer 503 until it is). */
export function whenReady(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    redis.on('ready', onReady);
  });
}

/**
 * Closes a connection without hanging: QUIT when connected (pending replies arrive first), otherwise
 * a hard disconnect, because ioredis queues QUIT until a reconnect that may never come.
 */
export async function closeRedis(redis: Redis, timeoutMs = 2000): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([redis.quit().then(() => undefined, () => undefined), timeout]).finally(() => clearTimeout(timer));
  redis.disconnect(); // no-op once QUIT has closed the connection; cuts it if QUIT timed out
}
