import { createAdapter, type RedisAdapterOptions } from '@socket.io/redis-adapter';
import type { Logger } from '../src/shared/logger';

/**
 * Coalescing of `bid_placed` under bursts (SPEC §6: "a coalesced update also carries `fromSeq`").
 *
 * Listing-room broadcasts that arrive from Redis are delivered on the next turn of the event loop
 * instead of inline. When the process keeps up, each turn holds one message and nothing changes
 * but a few microseconds. When it falls behind (a burst, or a starved CPU), the messages that piled
 * up in one read are delivered together, and a run of at least COALESCE_MIN_RUN consecutive
 * `bid_placed` of one listing (seqs n…m, nothing else for that listing in between) goes out as ONE
 * `bid_placed` carrying the latest state (the last payload) plus `fromSeq: n` and `seq: m`. Every
 * other event — and every other room — is delivered as is, in order. Clients that need each bid of a
 * coalesced range read `GET /v1/listings/:id/events?after=n-1` or the bid history.
 */
export const COALESCE_MIN_RUN = 3;

interface Packet {
  type: number;
  data: unknown[];
  nsp?: string;
}
interface BroadcastOpts {
  rooms: Set<string>;
  except: Set<string>;
  flags?: Record<string, unknown>;
}
export interface Pending {
  room: string;
  packet: Packet;
  opts: BroadcastOpts;
}

const EVENT = 2;
const seqOfBid = (p: Pending): number | undefined => {
  const [event, payload] = p.packet.data;
  const seq = (payload as { seq?: unknown } | undefined)?.seq;
  const plain = p.opts.except.size === 0 && Object.keys(p.opts.flags ?? {}).length === 0;
  return p.packet.type === EVENT && event === 'bid_placed' && typeof seq === 'number' && plain ? seq : undefined;
};

/** Merges runs of consecutive `bid_placed` per listing; pure, in delivery order. */
export function coalesce(pending: Pending[], minRun = COALESCE_MIN_RUN): Pending[] {
  const runs: Pending[][] = [];
  const open = new Map<string, { items: Pending[]; lastSeq: number }>();
  for (const p of pending) {
    const seq = seqOfBid(p);
    const run = open.get(p.room);
    if (seq !== undefined && run && seq === run.lastSeq + 1) {
      run.items.push(p);
      run.lastSeq = seq;
      continue;
    }
    const items = [p];
    runs.push(items);
    if (seq !== undefined) open.set(p.room, { items, lastSeq: seq });
    else open.delete(p.room);
  }
  return runs.flatMap((items) => {
    if (items.length < minRun) return items;
    const first = items[0].packet.data[1] as { seq: number };
    const last = items[items.length - 1];
    const payload = { ...(last.packet.data[1] as Record<string, unknown>), fromSeq: first.seq };
    return [{ ...last, packet: { ...last.packet, data: ['bid_placed', payload] } }];
  });
}

/** The Redis adapter's pieces this wraps (socket.io-redis-adapter 8.3; checked at start-up). */
interface AdapterInternals {
  channel: string;
  uid: string;
  nsp: { name: string };
  parser: { decode(msg: Buffer): unknown };
  redisListeners: Map<string, (pattern: unknown, channel: Buffer, msg: Buffer) => void>;
  hasRoom(room: string): boolean;
}

/** `createAdapter` (Redis) whose listing-room deliveries go through `coalesce`. */
export function createCoalescingAdapter(
  pub: Parameters<typeof createAdapter>[0],
  sub: Parameters<typeof createAdapter>[1],
  opts: Partial<RedisAdapterOptions>,
  logger: Logger,
) {
  const base = createAdapter(pub, sub, opts);
  // Socket.IO calls it with `new`: a plain function returning the adapter instance, as createAdapter's.
  return function coalescingAdapter(nsp: unknown) {
    const adapter = base(nsp);
    const a = adapter as unknown as AdapterInternals;
    const original = a.redisListeners?.get('pmessageBuffer');
    const localBroadcast = (Object.getPrototypeOf(Object.getPrototypeOf(adapter)) as { broadcast?: (p: Packet, o: BroadcastOpts) => void })
      .broadcast;
    if (
      typeof original !== 'function' ||
      typeof localBroadcast !== 'function' ||
      typeof a.channel !== 'string' ||
      typeof a.parser?.decode !== 'function'
    ) {
      logger.warn('bid_placed coalescing disabled: the Redis adapter is not the expected version');
      return adapter;
    }
    const prefix = `${a.channel}listing:`;
    let pending: Pending[] = [];
    const flush = () => {
      const batch = pending;
      pending = [];
      for (const p of coalesce(batch)) localBroadcast.call(adapter, p.packet, p.opts);
    };
    const listener = (pattern: unknown, channelBuf: Buffer, msg: Buffer) => {
      const channel = channelBuf.toString();
      if (!channel.startsWith(prefix)) {
        // Keep this process's delivery order: what was queued goes out before anything after it.
        if (pending.length) flush();
        return original(pattern, channelBuf, msg);
      }
      const room = channel.slice(a.channel.length, -1);
      if (!a.hasRoom(room)) return;
      const [uid, packet, o] = a.parser.decode(msg) as [
        string,
        Packet | undefined,
        { rooms: string[]; except: string[]; flags?: Record<string, unknown> },
      ];
      if (uid === a.uid || !packet) return;
      packet.nsp ??= '/';
      if (packet.nsp !== a.nsp.name) return;
      if (pending.length === 0) setImmediate(flush);
      pending.push({ room, packet, opts: { rooms: new Set(o.rooms), except: new Set(o.except), flags: o.flags } });
    };
    sub.off('pmessageBuffer', original);
    sub.on('pmessageBuffer', listener);
    a.redisListeners.set('pmessageBuffer', listener);
    return adapter;
  };
}
