import type { Deps } from '../../src/composition';
import { startWorkers, type RunningWorkers } from '../../workers/workers';
import type { AuctionType, ListingStatus } from '../../db/schema';
import { createTestEnv, createUser, type TestEnv, type TestUser } from './harness';

export interface ListingFixture {
  startingPriceCents?: number;
  reservePriceCents?: number | null;
  buyNowPriceCents?: number | null;
  auctionType?: AuctionType;
  status?: ListingStatus;
  /** ms from now until the end (default one hour). */
  endsInMs?: number;
  /** An exact end instead (wins over `endsInMs`). */
  endsAt?: Date;
  startsAt?: Date;
  title?: string;
}

/** Inserts a published listing directly (tests of bidding need not go through create + publish). */
export async function createActiveListing(deps: Deps, sellerId: string, f: ListingFixture = {}) {
  const starting = f.startingPriceCents ?? 500;
  return deps.db
    .insertInto('listings')
    .values({
      sellerId,
      title: f.title ?? 'Vintage road bike',
      description: 'Steel frame, recently serviced.',
      categorySlug: 'bikes',
      condition: 'good',
      auctionType: f.auctionType ?? 'auction',
      startingPriceCents: starting,
      reservePriceCents: f.reservePriceCents ?? null,
      buyNowPriceCents: f.buyNowPriceCents ?? null,
      status: f.status ?? 'active',
      startsAt: f.startsAt ?? new Date(Date.now() - 1000),
      endsAt: f.endsAt ?? new Date(Date.now() + (f.endsInMs ?? 3_600_000)),
      currentPriceCents: starting,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Starts real BullMQ workers (and the outbox relay) on `deps`; stop them in afterAll. */
export async function withWorkers(deps: Deps): Promise<RunningWorkers> {
  return startWorkers(deps);
}

export interface SellerAndTwoBidders {
  env: TestEnv;
  seller: TestUser;
  alice: TestUser;
  bob: TestUser;
}

/**
 * Registers `beforeAll`/`afterAll` for the file: a test env (with `extraEnv`) and real workers, a seller "Sam"
 * and bidders "Alice" and "Bob" (read the fields inside tests and hooks; they are set once `beforeAll` has run).
 */
export function useSellerAndTwoBidders(extraEnv: Record<string, string> = {}): SellerAndTwoBidders {
  const ctx = {} as SellerAndTwoBidders;
  let workers: RunningWorkers | undefined;
  beforeAll(async () => {
    ctx.env = await createTestEnv(extraEnv);
    workers = await withWorkers(await ctx.env.sibling());
    [ctx.seller, ctx.alice, ctx.bob] = await Promise.all(
      ['Sam', 'Alice', 'Bob'].map((displayName) => createUser(ctx.env.deps, { displayName })),
    );
  });
  afterAll(async () => {
    await workers?.stop();
    await ctx.env?.close();
  });
  return ctx;
}

/** Polls `probe` until it returns a truthy value (or throws after `timeoutMs`). */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, stepMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
