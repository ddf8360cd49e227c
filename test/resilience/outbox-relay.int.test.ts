import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { createDeps, type Deps } from '../../src/composition';
import { loadConfig } from '../../src/config/config';
import { executeWrites } from '../../db/writes';
import { eventFor, jobFor, outboxWrites, writeOutbox } from '../../src/shared/outbox';
import { claimOutboxBatchIfFree, markOutboxPublished } from '../../src/shared/outbox.repository';
import { closeRedis, createRedis, type Redis } from '../../src/shared/redis';
import { listingRoom } from '../../src/shared/rooms';
import { socketKey } from '../../src/shared/socket-key';
import { OutboxRelay } from '../../workers/outbox-relay';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { createTestEnv, testEnvVars, type TestEnv } from '../support/harness';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

/**
 * Commits one transaction holding `seqs` events of `listingId`, after a job when `withJob` (as a bid
 * or a close writes them: publishing a job waits on Redis, which is when another relay can overtake).
 */
function commitEvents(deps: Deps, listingId: string, seqs: number[], withJob = false): Promise<void> {
  const endsAt = new Date(Date.now() + 60_000).toISOString();
  const events = seqs.map((seq) => eventFor('ending_soon', [listingRoom(listingId)], { listingId, seq, secondsRemaining: seq, endsAt }));
  const job = jobFor('auction.open', { listingId }, { jobId: `order-${listingId}-${seqs[0]}`, runAt: Date.now() + 3_600_000 });
  return deps.db.transaction().execute((trx) => writeOutbox(trx, withJob ? [job, ...events] : events));
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A Socket.IO node on the deployment's Redis adapter whose every socket sits in `rooms`. */
async function startRoomServer(rooms: string[]): Promise<{ port: number; stop(): Promise<void> }> {
  const pub: Redis = createRedis(env.config.redisUrl!);
  const sub: Redis = pub.duplicate({ enableAutoPipelining: false });
  const http: HttpServer = createServer();
  const io = new Server(http, { adapter: createAdapter(pub, sub, { key: socketKey(env.config.redisPrefix) }) });
  io.on('connection', (socket) => void socket.join(rooms));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    async stop() {
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await Promise.allSettled([closeRedis(pub), closeRedis(sub)]);
    },
  };
}

describe('outbox relay', () => {
  it('re-opens its LISTEN connection after PostgreSQL drops it, and is woken by notifications again', async () => {
    const pg: FaultProxy = await startFaultProxy({ host: '127.0.0.1', port: Number(new URL(env.databaseUrl).port || 5432) });
    const deps = await createDeps(loadConfig(testEnvVars(pg.via(env.databaseUrl), { REDIS_PREFIX: env.config.redisPrefix })), 'test');
    // The safety poll is stretched past the test: only a notification can deliver within the deadline.
    const relay = new OutboxRelay(deps, { pollMs: 60_000 });
    const listingId = randomUUID();
    const received: number[] = [];
    const subscriber = createRedis(env.config.redisUrl!);
    subscriber.on('pmessageBuffer', () => received.push(Date.now()));
    await subscriber.psubscribe(`${socketKey(env.config.redisPrefix)}*`);
    try {
      await relay.start();
      await commitEvents(env.deps, listingId, [1]);
      await until(() => received.length === 1, 2000, 'the first event');
      // Its batch committed (else it would be published again after the restart).
      for (let unpublished = 1; unpublished > 0; await new Promise((r) => setTimeout(r, 10))) {
        const row = await env.deps.db.selectFrom('outbox').select(({ fn }) => fn.countAll<string>().as('n')).where('publishedAt', 'is', null).executeTakeFirstOrThrow();
        unpublished = Number(row.n);
      }

      await pg.refuse(); // PostgreSQL restarting: every connection cut, new ones refused
      await until(() => !relay.listening, 2000, 'the relay to notice');
      await new Promise((r) => setTimeout(r, 500));
      await pg.restore();
      await until(() => relay.listening, 5000, 'the relay to listen again');

      const committed = Date.now();
      await commitEvents(env.deps, listingId, [2]);
      await until(() => received.length === 2, 2000, 'the event committed after the restart');
      expect(received[1] - committed).toBeLessThan(1000);
    } finally {
      await relay.stop();
      await subscriber.quit();
      await deps.close();
      await pg.close();
    }
  });

  it('queues a job held back by jobsNotBefore on its first poll once due, while the events of its commit go at once', async () => {
    const listingId = randomUUID();
    const jobId = `held-${listingId}`;
    const job = jobFor('auction.open', { listingId }, { jobId, runAt: Date.now() + 3_600_000 });
    const event = eventFor('ending_soon', [listingRoom(listingId)], { listingId, seq: 1, secondsRemaining: 60, endsAt: new Date().toISOString() });
    const received: number[] = [];
    const subscriber = createRedis(env.config.redisUrl!);
    subscriber.on('pmessageBuffer', () => received.push(Date.now()));
    await subscriber.psubscribe(`${socketKey(env.config.redisPrefix)}*`);
    const relayDeps = await env.sibling();
    const relay = new OutboxRelay(relayDeps, { pollMs: 100 });
    try {
      await relay.start();
      const heldFor = 800;
      const committed = Date.now();
      const held = { jobsNotBefore: new Date(committed + heldFor) };
      await env.deps.db.transaction().execute((trx) => executeWrites(trx, outboxWrites(trx, [job, event], held)));
      await until(() => received.length >= 1, 2000, 'the event');
      expect(received[0] - committed).toBeLessThan(heldFor);
      expect(await env.deps.queues.auctions.getJob(jobId)).toBeUndefined();
      const queued = await (async () => {
        for (const deadline = Date.now() + 5000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
          if (await env.deps.queues.auctions.getJob(jobId)) return Date.now();
        }
        throw new Error('timed out waiting for the held job');
      })();
      expect(queued - committed).toBeGreaterThanOrEqual(heldFor);
      expect(queued - committed).toBeLessThan(heldFor + 1000);
    } finally {
      await relay.stop();
      await subscriber.quit();
      await env.deps.queues.auctions.remove(jobId);
    }
  });

  it('claims a batch only while no other relay holds the publishing lock, and never a row already published', async () => {
    const listingId = randomUUID();
    await commitEvents(env.deps, listingId, [1, 2]);
    const other = await env.sibling();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let claimedFirst: string[] = [];
    const first = env.deps.db.transaction().execute(async (trx) => {
      const rows = await claimOutboxBatchIfFree(trx, 500);
      if (rows === 'busy') throw new Error('the first relay found the lock taken');
      claimedFirst = rows.map((r) => r.id);
      await held;
      await markOutboxPublished(trx, claimedFirst);
    });
    await until(() => claimedFirst.length > 0, 5_000, 'the first claim');
    expect(await other.db.transaction().execute((trx) => claimOutboxBatchIfFree(trx, 500))).toBe('busy');
    release();
    await first;
    const next = await other.db.transaction().execute((trx) => claimOutboxBatchIfFree(trx, 500));
    expect(next).not.toBe('busy');
    expect((next as Array<{ id: string }>).filter((r) => claimedFirst.includes(r.id))).toEqual([]);
  });

  it('publishes the events of each listing in seq order with three relays running at once', async () => {
    const listings = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const perListing = 150;
    const node = await startRoomServer(listings.map(listingRoom));
    const client: ClientSocket = connect(`http://127.0.0.1:${node.port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
    const seen = new Map<string, number[]>(listings.map((id) => [id, []]));
    client.on('ending_soon', (event: { listingId: string; seq: number }) => seen.get(event.listingId)?.push(event.seq));
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('connect_error', reject);
    });
    await new Promise((r) => setTimeout(r, 100)); // the join is server-side and asynchronous
    const relayDeps = await Promise.all([env.sibling(), env.sibling(), env.sibling()]);
    const relays = relayDeps.map((d) => new OutboxRelay(d));
    try {
      await Promise.all(relays.map((r) => r.start()));
      // One writer per listing, transactions of 1 to 3 events, all listings at once: the relays are
      // woken by every commit and race for the rows.
      await Promise.all(
        listings.map(async (listingId, i) => {
          for (let seq = 1; seq <= perListing; ) {
            const size = Math.min(1 + ((seq + i) % 3), perListing - seq + 1);
            await commitEvents(env.deps, listingId, Array.from({ length: size }, (_, k) => seq + k), true);
            seq += size;
          }
        }),
      );
      const total = () => [...seen.values()].reduce((n, seqs) => n + seqs.length, 0);
      await until(() => total() >= listings.length * perListing, 20_000, 'every event');
      for (const listingId of listings) {
        expect(seen.get(listingId)).toEqual(Array.from({ length: perListing }, (_, k) => k + 1));
      }
    } finally {
      client.disconnect();
      await Promise.all(relays.map((r) => r.stop()));
      await node.stop();
    }
  });
});
