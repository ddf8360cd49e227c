import type { TestUser } from './harness';

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

export interface HttpAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies of several shapes
  body: any;
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

/** Runs `task(i)` for i in [0, total) with at most `lanes` running at once. */
export async function runLanes(total: number, lanes: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < total) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(lanes, total) }, lane));
}
