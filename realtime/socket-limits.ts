import { AppError, rateLimited } from '../src/shared/errors';
import type { Logger } from '../src/shared/logger';
import { payloadAndAck, problemOf } from './ack';
import type { BiddtSocket } from './types';

/** Per-socket budget: a bucket of 20 events refilled at 20/s (bursts allowed, sustained 20/s). */
export const SOCKET_EVENTS_PER_SEC = 20;
/**
 * Largest event payload handled (JSON characters). The transport refuses frames over
 * `maxHttpBufferSize` (64 KB) by closing the connection; anything between gets a 413 ack.
 */
export const MAX_EVENT_CHARS = 16 * 1024;

/** A token bucket kept in memory for one socket (the shared Redis limits still apply to bids). */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly refillPerSec: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  /** Takes one token; returns 0 when granted, else the seconds until one is available. */
  take(): number {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.refillPerSec);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return (1 - this.tokens) / this.refillPerSec;
  }
}

/** Cheap size estimate of an event's arguments (the ack function excluded); Infinity if unserializable. */
function payloadChars(payload: unknown): number {
  try {
    return JSON.stringify(payload ?? null).length;
  } catch {
    return Infinity;
  }
}

/**
 * Guards in front of every handler (Socket.IO middleware): known event names only, the per-socket
 * rate limit, and the payload size cap. A refused event is answered through its ack and dropped.
 */
export function installGuards(socket: BiddtSocket, knownEvents: ReadonlySet<string>, logger: Logger): void {
  const bucket = new TokenBucket(SOCKET_EVENTS_PER_SEC, SOCKET_EVENTS_PER_SEC);
  socket.use((packet, next) => {
    const [event, ...args] = packet as [unknown, ...unknown[]];
    const { payload, ack } = payloadAndAck(args);
    const refuse = (err: AppError) => ack?.({ ok: false, error: problemOf(err, logger) });
    if (typeof event !== 'string' || !knownEvents.has(event)) {
      return refuse(new AppError('not_found', 'unknown_event', `Unknown event "${String(event)}".`));
    }
    const waitSec = bucket.take();
    if (waitSec > 0) return refuse(rateLimited(waitSec));
    if (payloadChars(payload) > MAX_EVENT_CHARS) {
      return refuse(new AppError('payload_too_large', 'payload_too_large', `Event payloads are limited to ${MAX_EVENT_CHARS} characters.`));
    }
    next();
  });
}
