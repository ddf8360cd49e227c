import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from './redis';
import { socketKey } from './socket-key';

const emitters = new WeakMap<Redis, Emitter>();

/** Publishes to Socket.IO rooms from any process (through the Redis adapter's channels). */
export function socketEmitter(deps: { redis: Redis; config: { redisPrefix: string } }): Emitter {
  let emitter = emitters.get(deps.redis);
  if (!emitter) {
    emitter = new Emitter(deps.redis, { key: socketKey(deps.config.redisPrefix) });
    emitters.set(deps.redis, emitter);
  }
  return emitter;
}
