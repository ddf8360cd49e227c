/**
 * `npx tsx bench/bids/path.ts <scenario>` — one bid-path scenario against real processes (api, one
 * workers process with the outbox relay, realtime when watchers are needed), its own redis-server
 * (so Redis's CPU is attributable) and a throw-away database on the shared PostgreSQL.
 *
 * Scenarios (issue #14):
 *   idle      1,000 bids one at a time on one listing, 100 watchers
 *   hot       100 bids/s open loop on one listing, 1,000 watchers
 *   capacity  200 closed-loop bidders on one listing
 *   multi     200 closed-loop bidders spread over 50 listings
 *
 * Reports answer latency (client side), bid sent → watcher receipt, decided bids/s, CPU ms per
 * decided bid summed over api + workers + realtime + redis-server + the database's PostgreSQL
 * backends, and the servers' own `bid_stage_seconds` histograms. BENCH_APP_DIR runs another checkout
 * (the baseline) with the same load generator; interleave runs on a shared host.
 */
import type { ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { signAccessToken } from '../../src/modules/auth/access-tokens';
import { startSession } from '../../src/modules/auth/sessions';
import { bidIncrementCents } from '../../src/modules/auctions/engine/engine';
import { MAX_BID_CENTS } from '../../src/modules/bidding/bidding.schemas';
import { freePort, startRedisServer } from '../../src/dev/local-services';
import { openRaw, type RawSocket } from '../fanout/raw-client';
import { benchDatabase, percentile, round, startProcess, stopProcess } from '../support';
import { measureHostSpeed } from '../host-speed';
import { backendPids, cpuDelta, snapshot } from './cpu';
import { workPerBid, workSnapshot } from './work-counts';

const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECRET = 'bench-secret-bench-secret-bench-secret-000';
const scenario = (process.argv[2] ?? 'idle') as 'idle' | 'hot' | 'capacity' | 'multi';
// `fetch` (undici) was the generator's client until session 17: it spends several times the CPU
// of node:http per request, on the same two cores as the servers. Kept selectable to compare.
const CLIENT = process.env.BENCH_CLIENT === 'fetch' ? 'fetch' : 'http';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const label = process.env.BENCH_LABEL ?? (process.env.BENCH_APP_DIR ? 'baseline' : 'new');

const SHAPE = {
  idle: { bidders: 20, watchers: 100, listings: 1 },
  hot: { bidders: 100, watchers: 1000, listings: 1 },
  capacity: { bidders: 200, watchers: 0, listings: 1 },
  multi: { bidders: 200, watchers: 0, listings: 50 },
}[scenario];

/** Fresh listings for slots whose maxima reach the ceiling (≈ 3,400 bids each at three increments a bid). */
const SPARE_LISTINGS = 20;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: round(percentile(s, 50)), p99: round(percentile(s, 99)), max: round(s[s.length - 1] ?? NaN) };
};

async function main(): Promise<void> {
  const redis = await startRedisServer();
  // Before anything of the run starts: how fast the host is (see bench/host-speed.ts).
  const hostSpeed = await measureHostSpeed(PG, redis.url);
  const bench = await benchDatabase(PG, `biddt_bench_${scenario}_${Date.now().toString(36)}`);
  const dbName = new URL(bench.url).pathname.slice(1);
  const { db } = bench;
  const [apiPort, rtPort, wPort] = [await freePort(), await freePort(), await freePort()];
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    DATABASE_URL: bench.url,
    DATABASE_POOL_MAX: '20',
    REDIS_URL: redis.url,
    REDIS_PREFIX: `bench${scenario}`,
    JWT_SECRET: SECRET,
    OTP_SECRET: SECRET,
    BID_WAIT_MS: '10000',
    // No payment happens on the bid path; the client only needs a key to be constructed.
    STRIPE_SECRET_KEY: 'sk_test_bench',
    STRIPE_WEBHOOK_SECRET: 'whsec_bench',
    WORKERS_METRICS_PORT: String(wPort),
    // Raised so the benchmark measures the bid path, not the per-user limits (SPEC default 10/min).
    RATE_LIMIT_BIDS_PER_USER_PER_MIN: '1000000',
    RATE_LIMIT_API_PER_USER_PER_MIN: '1000000',
  };
  const children: Array<{ name: string; child: ChildProcess }> = [];
  const sockets: RawSocket[] = [];
  try {
    const users = await db
      .insertInto('users')
      .values(
        Array.from({ length: SHAPE.bidders + SHAPE.watchers + 1 }, (_, i) => ({
          phoneNumber: `+1555${String(8000000 + i)}`,
          phoneVerifiedAt: new Date(),
          displayName: `User ${i}`,
        })),
      )
      .returning(['id', 'role'])
      .execute();
    const [seller, ...rest] = users;
    const tokenOf = async (u: { id: string; role: string }) => {
      const { familyId } = await startSession(db, u.id, 3600);
      return signAccessToken(
        { secret: SECRET, issuer: 'biddt', audience: 'biddt-api', ttlSec: 3600 },
        { userId: u.id, role: u.role as never, sid: familyId },
      );
    };
    const bidderTokens = await Promise.all(rest.slice(0, SHAPE.bidders).map(tokenOf));
    const watcherTokens = await Promise.all(rest.slice(SHAPE.bidders).map(tokenOf));
    // A listing per slot, plus spares: a slot whose maxima near the API's ceiling moves on to a
    // fresh one (still one hot listing per slot), so no bid is ever refused as invalid.
    const listings = await db
      .insertInto('listings')
      .values(
        Array.from({ length: SHAPE.listings + SPARE_LISTINGS }, (_, i) => ({
          sellerId: seller.id,
          title: `Hot listing ${i}`,
          categorySlug: 'other',
          condition: 'good' as const,
          auctionType: 'auction' as const,
          startingPriceCents: 500,
          status: 'active' as const,
          startsAt: new Date(Date.now() - 1000),
          endsAt: new Date(Date.now() + 3_600_000),
          currentPriceCents: 500,
        })),
      )
      .returning('id')
      .execute();
    const listingIds = listings.slice(0, SHAPE.listings).map((l) => l.id);
    const spares = listings.slice(SHAPE.listings).map((l) => l.id);
    const watched = listingIds[0]; // the watchers' listing (idle and hot never reach the ceiling)

    children.push({ name: 'api', child: await startProcess('src/main.ts', { ...env, PORT: String(apiPort) }, /api listening/, 'api') });
    children.push({ name: 'workers', child: await startProcess('workers/main.ts', { ...env, PORT: '0' }, /workers running/, 'workers') });
    if (SHAPE.watchers) {
      children.push({
        name: 'realtime',
        child: await startProcess(
          'realtime/main.ts',
          { ...env, PORT: '0', REALTIME_PORT: String(rtPort) },
          /realtime listening/,
          'realtime',
        ),
      });
    }

    // Watchers: raw Socket.IO clients subscribed to the (single) listing; every frame's seq range is kept.
    const frames: Array<{ from: number; to: number; at: number }> = [];
    for (let i = 0; i < watcherTokens.length; i += 1) {
      const s = await openRaw({
        port: rtPort,
        token: watcherTokens[i],
        localAddress: `127.0.0.${1 + (i % 4)}`,
        now: () => performance.timeOrigin + performance.now(),
        onEvent: (event, payload, at) => {
          if (event !== 'bid_placed') return;
          const seq = payload.seq as number;
          frames.push({ from: (payload.fromSeq as number | undefined) ?? seq, to: seq, at });
        },
      });
      const ack = await s.emitWithAck('subscribe', { listingId: watched }, 30_000);
      if (!ack.ok) throw new Error('subscribe refused');
      sockets.push(s);
    }

    const sentAt = new Map<string, number>(); // bid id → wall-clock ms when its POST was sent
    const answers: number[] = [];
    // 201 accepted and 409 refused (below the minimum, not higher, ended) are decided; 202 pending. Any
    // other 4xx is `invalid`: a bid the generator should never send, reported and never counted as decided.
    const agent = new Agent({ keepAlive: true, maxSockets: SHAPE.bidders });
    const post = async (path: string, token: string, payload: unknown): Promise<{ status: number; body: unknown }> => {
      const url = `http://127.0.0.1:${apiPort}${path}`;
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const text = JSON.stringify(payload);
      if (CLIENT === 'fetch') {
        const res = await fetch(url, { method: 'POST', headers, body: text });
        return { status: res.status, body: await res.json().catch(() => undefined) };
      }
      return new Promise((resolve, reject) => {
        const req = request(url, { method: 'POST', agent, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            let body: unknown;
            try {
              body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              body = undefined;
            }
            resolve({ status: res.statusCode ?? 0, body });
          });
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(text);
      });
    };
    const counts = { accepted: 0, refused: 0, pending: 0, invalid: 0, errors: 0, listingsUsed: listingIds.length };
    const nextMax = listingIds.map(() => 1000);
    const bid = async (token: string, slot: number, measure: boolean) => {
      if (nextMax[slot] > MAX_BID_CENTS * 0.9) {
        const fresh = spares.shift();
        if (!fresh) throw new Error('out of spare listings: raise SPARE_LISTINGS');
        listingIds[slot] = fresh;
        nextMax[slot] = 1000;
        counts.listingsUsed += 1;
      }
      const listingId = listingIds[slot];
      const max = nextMax[slot] + 3 * bidIncrementCents(nextMax[slot]);
      nextMax[slot] = max;
      const wall = performance.timeOrigin + performance.now();
      const t0 = performance.now();
      const res = await post(`/v1/listings/${listingId}/bids`, token, { maxAmountCents: max }).catch(() => undefined);
      const body = res?.body as { bid?: { id: string } } | undefined;
      const ms = performance.now() - t0;
      if (!measure) return;
      if (!res || res.status >= 500) counts.errors += 1;
      else if (res.status === 201) {
        counts.accepted += 1;
        answers.push(ms);
        if (body?.bid) sentAt.set(body.bid.id, wall);
      } else if (res.status === 202) counts.pending += 1;
      else if (res.status === 409) {
        counts.refused += 1;
        answers.push(ms);
      } else counts.invalid += 1;
    };

    // Warm-up (JIT, pools), then the measured window with CPU snapshots around it.
    for (let i = 0; i < 50; i += 1) await bid(bidderTokens[i % bidderTokens.length], 0, false);
    // Closed loops start together: their first seconds are a burst of 200 bids at once, not the
    // steady state the target is about, so they run unmeasured for BENCH_WARMUP_SECONDS first.
    // A bid counts when it was sent inside the measured window.
    const window = { measuring: false, until: Infinity };
    const closedLoops =
      scenario === 'capacity' || scenario === 'multi'
        ? Promise.all(
            bidderTokens.map(async (token, i) => {
              while (performance.now() < window.until) await bid(token, i % listingIds.length, window.measuring);
            }),
          )
        : undefined;
    await sleep(closedLoops ? WARMUP_SECONDS * 1000 : 500);
    const pids = {
      api: [children[0].child.pid!],
      workers: [children[1].child.pid!],
      realtime: children[2] ? [children[2].child.pid!] : [],
      redis: [redis.pid],
      postgres: await backendPids(PG, dbName),
    };
    const workBefore = await workSnapshot(redis.url, PG, dbName);
    const cpuBefore = snapshot(pids);
    const generatorBefore = process.cpuUsage();
    const seqBefore = await headSeq(db, watched);
    const started = performance.now();
    if (scenario === 'idle') {
      for (let i = 0; i < Number(process.env.BENCH_BIDS ?? 1000); i += 1) await bid(bidderTokens[i % bidderTokens.length], 0, true);
    } else if (scenario === 'hot') {
      const inflight: Promise<void>[] = [];
      const until = started + SECONDS * 1000;
      for (let i = 0; performance.now() < until; i += 1) {
        inflight.push(bid(bidderTokens[i % bidderTokens.length], 0, true));
        const next = started + ((i + 1) * 1000) / 100; // open loop: 100/s on schedule, whatever the answers do
        await sleep(Math.max(0, next - performance.now()));
      }
      await Promise.all(inflight);
    } else {
      window.measuring = true;
      window.until = started + SECONDS * 1000;
      await closedLoops;
    }
    const elapsedSec = (performance.now() - started) / 1000;
    const generator = process.cpuUsage(generatorBefore);
    agent.destroy();
    await sleep(SHAPE.watchers ? 2000 : 300); // let the last events reach the watchers
    pids.postgres = [...new Set([...pids.postgres, ...(await backendPids(PG, dbName))])];
    const cpu = cpuDelta(cpuBefore, snapshot(pids));
    const decided = counts.accepted + counts.refused;
    const work = workPerBid(workBefore, await workSnapshot(redis.url, PG, dbName), decided);
    const cpuTotal = Object.values(cpu).reduce((a, b) => a + b, 0);

    // Bid → watcher: each frame delivers the seqs it covers; seq → bid id from the stored events.
    let fanout: Record<string, unknown> | undefined;
    if (SHAPE.watchers) {
      const events = await db
        .selectFrom('listingEvents')
        .select(['seq', sql<string>`payload->'bid'->>'id'`.as('bidId')])
        .where('listingId', '=', watched)
        .where('seq', '>', seqBefore)
        .where('type', '=', 'bid_placed')
        .execute();
      const bidOfSeq = new Map(events.map((e) => [Number(e.seq), e.bidId]));
      const lat: number[] = [];
      let delivered = 0;
      for (const f of frames) {
        for (let s = f.from; s <= f.to; s += 1) {
          const t = sentAt.get(bidOfSeq.get(s) ?? '');
          if (t === undefined) continue;
          delivered += 1;
          lat.push(f.at - t);
        }
      }
      const coalesced = frames.filter((f) => f.from !== f.to).length;
      fanout = {
        watchers: SHAPE.watchers,
        expected: sentAt.size * SHAPE.watchers,
        delivered,
        coalescedFrames: coalesced,
        bidToWatcherMs: pct(lat),
      };
    }

    const stages = await stageHistograms([`http://127.0.0.1:${apiPort}/metrics`, `http://127.0.0.1:${wPort}/metrics`]);
    const result = {
      at: new Date().toISOString(),
      label,
      scenario,
      app: process.env.BENCH_APP_DIR ?? process.cwd(),
      seconds: round(elapsedSec, 2),
      ...counts,
      decidedPerSec: round(decided / elapsedSec),
      acceptedPerSec: round(counts.accepted / elapsedSec),
      answerMs: pct(answers),
      fanout,
      cpuMs: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, round(v)])),
      cpuMsPerDecidedBid: round(cpuTotal / Math.max(1, decided), 2),
      cpuMsPerDecidedBidByProcess: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, round(v / Math.max(1, decided), 2)])),
      workPerDecidedBid: work,
      // Not in the sum above: the load generator's own CPU on the same cores (its bids and, with
      // watchers, their sockets), in the measured window.
      client: CLIENT,
      warmupSeconds: closedLoops ? WARMUP_SECONDS : undefined,
      generatorCpuMsPerDecidedBid: round((generator.user + generator.system) / 1000 / Math.max(1, decided), 2),
      hostLoad1: (await import('node:os')).loadavg()[0],
      hostSpeed,
      stages,
    };
    mkdirSync(join(__dirname, '../results'), { recursive: true });
    writeFileSync(join(__dirname, `../results/path-${scenario}-${label}.json`), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result));
  } finally {
    for (const s of sockets) s.disconnect();
    while (children.length) await stopProcess(children.pop()!.child);
    await bench.drop();
    await redis.stop();
  }
}

async function headSeq(db: Awaited<ReturnType<typeof benchDatabase>>['db'], listingId: string): Promise<string> {
  const row = await db
    .selectFrom('listingEvents')
    .select(sql<string>`coalesce(max(seq), 0)`.as('seq'))
    .where('listingId', '=', listingId)
    .executeTakeFirst();
  return row?.seq ?? '0';
}

/** p50/p99 (bucket upper bounds, ms) of every `bid_stage_seconds` stage the processes expose. */
async function stageHistograms(urls: string[]): Promise<Record<string, { count: number; meanMs: number; p50Ms: number; p99Ms: number }>> {
  const out: Record<string, { count: number; meanMs: number; p50Ms: number; p99Ms: number }> = {};
  for (const url of urls) {
    const text = await fetch(url)
      .then((r) => r.text())
      .catch(() => '');
    const buckets = new Map<string, Array<[number, number]>>();
    const sums = new Map<string, number>();
    const counts = new Map<string, number>();
    for (const line of text.split('\n')) {
      const b = /^bid_stage_seconds_bucket\{le="([^"]+)",stage="([^"]+)"\} (\d+)/.exec(line);
      if (b) buckets.set(b[2], [...(buckets.get(b[2]) ?? []), [b[1] === '+Inf' ? Infinity : Number(b[1]), Number(b[3])]]);
      const s = /^bid_stage_seconds_sum\{stage="([^"]+)"\} ([\d.e+-]+)/.exec(line);
      if (s) sums.set(s[1], Number(s[2]));
      const c = /^bid_stage_seconds_count\{stage="([^"]+)"\} (\d+)/.exec(line);
      if (c) counts.set(c[1], Number(c[2]));
    }
    for (const [stage, bs] of buckets) {
      const count = counts.get(stage) ?? 0;
      const q = (p: number) => (bs.find(([, n]) => n >= p * count)?.[0] ?? NaN) * 1000;
      out[stage] = { count, meanMs: round(((sums.get(stage) ?? 0) / Math.max(1, count)) * 1000, 2), p50Ms: q(0.5), p99Ms: q(0.99) };
    }
  }
  return out;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
