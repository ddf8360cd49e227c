import type { BidAccepted } from '../../src/modules/bidding/bid-results';
import { startApi, type ApiServer } from '../../src/server';
import { createTestEnv, createUser, type TestEnv, type TestUser } from './harness';
import { spawnWorkers, type WorkerProcess } from './worker-process';

/** A seeded PRNG (mulberry32), so a failing run can be replayed by its seed. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: T[]): T => items[Math.floor(next() * items.length)],
  };
}

/** What POST …/bids answers: the 201 body, a 202 `{requestId}`, or a problem (with `minNextBidCents` for too low). */
export type BidAnswerBody = Partial<BidAccepted> & { requestId?: string; code?: string; minNextBidCents?: number };

export interface HttpAnswer {
  status: number;
  body: BidAnswerBody;
  headers: Headers;
}

/** POST /v1/listings/:id/bids over a real socket (fetch keeps connections alive, unlike supertest). */
export async function postBid(
  baseUrl: string,
  bidder: TestUser,
  listingId: string,
  maxAmountCents: number,
  idempotencyKey?: string,
): Promise<HttpAnswer> {
  const res = await fetch(`${baseUrl}/v1/listings/${listingId}/bids`, {
    method: 'POST',
    headers: { ...bidder.auth, 'content-type': 'application/json', ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
    body: JSON.stringify({ maxAmountCents }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/**
 * `postBid` with an idempotency key, sent again after Retry-After while the answer is 503, as a client
 * does: on a host loaded by the whole suite the api's dependency probe can time out and answer 503
 * for a moment (src/http/dependency-gate.ts). The same key makes the retry the same command, so a
 * 503'd request that was taken after all is answered from its first attempt.
 */
export async function postBidRetrying503(
  baseUrl: string,
  bidder: TestUser,
  listingId: string,
  maxAmountCents: number,
  idempotencyKey: string,
  attempts = 5,
): Promise<HttpAnswer> {
  for (let attempt = 1; ; attempt += 1) {
    const answer = await postBid(baseUrl, bidder, listingId, maxAmountCents, idempotencyKey);
    if (answer.status !== 503 || attempt === attempts) return answer;
    await new Promise((r) => setTimeout(r, Number(answer.headers.get('retry-after') ?? 1) * 1000));
  }
}

/** Runs `task(i)` for i in [0, total) with at most `lanes` running at once. */
export async function runLanes(total: number, lanes: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < total) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(lanes, total) }, lane));
}

export interface BiddingOverHttp {
  env: TestEnv;
  workers: WorkerProcess[];
  baseUrl: string;
  seller: TestUser;
  bidders: TestUser[];
}

/**
 * Registers `beforeAll`/`afterAll` for the file: a test env and its API on a real port, two worker processes (both
 * with `extraEnv`), a seller and `bidderCount` bidders (read the fields inside tests; they are set once `beforeAll` has run).
 */
export function useBiddingOverHttp(bidderCount: number, extraEnv: Record<string, string> = {}): BiddingOverHttp {
  const ctx = { workers: [] as WorkerProcess[] } as BiddingOverHttp;
  let api: ApiServer | undefined;
  beforeAll(async () => {
    ctx.env = await createTestEnv(extraEnv);
    [api, ctx.workers] = await Promise.all([startApi(ctx.env.deps, 0), spawnWorkers(ctx.env, 2, extraEnv)]);
    ctx.baseUrl = `http://127.0.0.1:${api.port}`;
    ctx.seller = await createUser(ctx.env.deps, { displayName: 'Seller' });
    ctx.bidders = await Promise.all(
      Array.from({ length: bidderCount }, (_, i) => createUser(ctx.env.deps, { displayName: `Bidder ${i}` })),
    );
  }, 30_000 + Number(process.env.WORKER_START_TIMEOUT_MS ?? 30_000)); // worker processes boot within that
  afterAll(async () => {
    await Promise.all(ctx.workers.map((w) => w.stop()));
    await api?.stop();
    await ctx.env?.close();
  });
  return ctx;
}
