/**
 * Fan-out benchmark: one load-client process (forked by run.ts) holding many WebSocket connections.
 * Each connection is a distinct signed-in user watching one listing; it records `receive time −
 * sentAt` of every measured `bid_placed`. `client: 'raw'` (default) is the lean wire-protocol client
 * of raw-client.ts; `client: 'socket.io-client'` is the real client library, for cross-checks.
 */
import { randomUUID } from 'node:crypto';
import { io as connect } from 'socket.io-client';
import { signAccessToken } from '../../src/modules/auth/access-tokens';
import { Histogram, preciseNow } from './histogram';
import { openRaw } from './raw-client';

interface Start {
  type: 'start';
  port: number;
  count: number;
  listingId: string;
  client: 'raw' | 'socket.io-client';
  jwt: { secret: string; issuer: string; audience: string };
  localAddresses: string[];
  concurrency: number;
}

interface Conn {
  connected: boolean;
  emitWithAck(event: string, payload: unknown, timeoutMs: number): Promise<{ ok: boolean }>;
  disconnect(): void;
}

const conns: Conn[] = [];
const histogram = new Histogram();
let received = 0;
let measured = 0;
let failures = 0;
let cpuAtStart = process.cpuUsage();
let wallAtStart = Date.now();

/** The publisher's schedule: bid `seq` is due at `start + (seq − 1) × period`; seqs ≤ warmup are not measured. */
let schedule = { start: 0, period: 0, warmup: Infinity };
let messages = 0;

/**
 * One `bid_placed` received. A coalesced update (`fromSeq` < `seq`) covers every bid of its range:
 * the last one is timed from its own stamp, the earlier ones from their scheduled publish time — never
 * later than their real publish time, so their latency is, if anything, overstated.
 */
function onBid(payload: Record<string, unknown>, receivedAt: number): void {
  messages += 1;
  const seq = payload.seq as number;
  const fromSeq = (payload.fromSeq as number | undefined) ?? seq;
  for (let s = fromSeq; s <= seq; s += 1) {
    received += 1;
    if (s <= schedule.warmup) continue;
    measured += 1;
    histogram.record(receivedAt - (s === seq ? (payload.sentAt as number) : schedule.start + (s - 1) * schedule.period));
  }
}

async function openOne(start: Start, i: number): Promise<Conn> {
  const token = signAccessToken({ ...start.jwt, ttlSec: 3600 }, { userId: randomUUID(), role: 'user', sid: randomUUID() });
  const localAddress = start.localAddresses[i % start.localAddresses.length];
  if (start.client === 'raw') {
    return openRaw({
      port: start.port,
      token,
      localAddress,
      now: preciseNow,
      onEvent: (event, payload, at) => event === 'bid_placed' && onBid(payload, at),
    });
  }
  const socket = connect(`http://127.0.0.1:${start.port}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { token },
    localAddress,
  } as Parameters<typeof connect>[1]);
  socket.on('bid_placed', (payload: Record<string, unknown>) => onBid(payload, preciseNow()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    get connected() {
      return socket.connected;
    },
    emitWithAck: (event, payload, timeoutMs) => socket.timeout(timeoutMs).emitWithAck(event, payload),
    disconnect: () => socket.disconnect(),
  };
}

async function run(start: Start): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < start.count) {
      try {
        const conn = await openOne(start, next++);
        conns.push(conn);
        const ack = await conn.emitWithAck('subscribe', { listingId: start.listingId }, 30_000).catch(() => ({ ok: false }));
        if (!ack.ok) failures += 1;
      } catch {
        failures += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: start.concurrency }, worker));
  cpuAtStart = process.cpuUsage();
  wallAtStart = Date.now();
  process.send!({ type: 'ready', connected: conns.filter((c) => c.connected).length, failures });
}

function cpuPct(): number {
  const cpu = process.cpuUsage(cpuAtStart);
  return ((cpu.user + cpu.system) / 1000 / Math.max(1, Date.now() - wallAtStart)) * 100;
}

process.on('message', (msg: { type: string }) => {
  if (msg.type === 'start') void run(msg as Start);
  if (msg.type === 'schedule') schedule = msg as unknown as typeof schedule;
  if (msg.type === 'collect') {
    process.send!({
      type: 'stats',
      received,
      measured,
      messages,
      failures,
      connected: conns.filter((c) => c.connected).length,
      hist: histogram.toSparse(),
      cpuPct: cpuPct(),
    });
  }
  if (msg.type === 'stop') {
    for (const c of conns) c.disconnect();
    setTimeout(() => process.exit(0), 200);
  }
});
