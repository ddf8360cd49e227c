import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from './redis';
import { socketKey } from './socket-key';

const emitters = new WeakMap<Redis, Emitter>();

/**
 * The emitter fires PUBLISH and never looks at the outcome. On the request path's fail-fast
 * connection a PUBLISH while Redis is down rejects at once; unheard, that rejection would crash the
 * process. A live push is best effort (the state it announces is committed and re-read on reconnect),
 * so a lost one is dropped here; the outbox relay publishes through `trackedEmitter` instead.
 */
function quietPublisher(redis: Redis): Redis {
  return new Proxy(redis, {
    get(target, property, receiver) {
      if (property !== 'publish') return Reflect.get(target, property, receiver) as unknown;
      return (...args: Parameters<Redis['publish']>) => {
        const sent = target.publish(...args);
        sent.catch(() => undefined);
        return sent;
      };
    },
  });
}

/**
 * An emitter whose publishes can be awaited: the relay marks an event published only once Redis took it.
 * `settle()` resolves when every publish so far succeeded, and rejects with the first failure.
 */
export function trackedEmitter(redis: Redis, prefix: string): { emitter: Emitter; settle(): Promise<void> } {
  let pending: Array<Promise<unknown>> = [];
  const tracking = new Proxy(redis, {
    get(target, property, receiver) {
      if (property !== 'publish') return Reflect.get(target, property, receiver) as unknown;
      return (...args: Parameters<Redis['publish']>) => {
        const sent = target.publish(...args);
        sent.catch(() => undefined); // reported by settle()
        pending.push(sent);
        return sent;
      };
    },
  });
  return {
    emitter: new Emitter(tracking, { key: socketKey(prefix) }),
    async settle() {
      const waiting = pending;
      pending = [];
      await Promise.all(waiting);
    },
  };
}

/** Publishes to Socket.IO rooms from any process (through the Redis adapter's channels). */
export function socketEmitter(deps: { redis: Redis; config: { redisPrefix: string } }): Emitter {
  let emitter = emitters.get(deps.redis);
  if (!emitter) {
    emitter = new Emitter(quietPublisher(deps.redis), { key: socketKey(deps.config.redisPrefix) });
    emitters.set(deps.redis, emitter);
  }
  return emitter;
}
