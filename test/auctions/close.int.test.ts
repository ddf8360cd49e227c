/**
 * Closing through the real workers (SPEC §2 "When an auction closes", §7): the delayed close job,
 * the reserve, the notifications, and the sweep that closes what no job was queued for.
 */
import { sql } from 'kysely';
import type { Listing } from '../../db/schema';
import { closeJob } from '../../src/modules/auctions/auction-jobs';
import { modelClose } from '../../src/modules/auctions/engine/reference-model.test-support';
import { commissionCents } from '../../src/shared/money';
import type { RunningWorkers } from '../../workers/workers';
import { decidedCommands, engineConfigOf, replayThroughModel, termsOf } from '../support/bid-replay';
import { createActiveListing, eventually, withWorkers } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';

let env: TestEnv;
let workers: RunningWorkers;
let seller: TestUser;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let sold: Listing;
let unsold: Listing;
let forgotten: Listing;

const bid = async (user: TestUser, listingId: string, maxAmountCents: number) => {
  const res = await env.http.post(`/v1/listings/${listingId}/bids`).set(user.auth).send({ maxAmountCents });
  expect(res.status).toBe(201);
};
/** Queues the close job of the listing's second as publishing does (through the same job builder). */
const queueClose = async (listing: Listing) => {
  const job = closeJob(listing.endsAt!);
  await env.deps.queues.auctions.add(job.name, job.data, { jobId: job.jobId, delay: Math.max(0, job.runAt! - Date.now()) });
};

beforeAll(async () => {
  env = await createTestEnv({ SOFT_CLOSE_WINDOW_SEC: '0' }); // bids in the last seconds must not extend
  workers = await withWorkers(await env.sibling());
  [seller, alice, bob, carol] = await Promise.all(
    ['Sam', 'Alice', 'Bob', 'Carol'].map((displayName) => createUser(env.deps, { displayName })),
  );
  // All three clocks start now, so the file waits for the slowest (the sweep) only once.
  [sold, unsold] = (await Promise.all([
    createActiveListing(env.deps, seller.id, { startingPriceCents: 1000, reservePriceCents: 2000, endsInMs: 2500, title: 'Sold one' }),
    createActiveListing(env.deps, seller.id, { startingPriceCents: 1000, reservePriceCents: 5000, endsInMs: 2500, title: 'Unsold one' }),
  ])) as Listing[];
  // Overdue and never queued: only the sweep can close it.
  forgotten = (await createActiveListing(env.deps, seller.id, {
    startsAt: new Date(Date.now() - 3_600_000),
    endsInMs: -60_000,
    title: 'Forgotten',
  })) as Listing;
  await Promise.all([queueClose(sold), queueClose(unsold)]);
  await Promise.all([
    (async () => {
      await bid(alice, sold.id, 1500);
      await bid(bob, sold.id, 3000);
      await bid(carol, sold.id, 2500);
    })(),
    (async () => {
      await bid(alice, unsold.id, 3000);
      await bid(bob, unsold.id, 4000);
    })(),
  ]);
});
afterAll(async () => {
  await workers?.stop();
  await env?.close();
});

const closedRow = (id: string, timeoutMs = 10_000) =>
  eventually(
    () => env.deps.db.selectFrom('listings').selectAll().where('id', '=', id).where('status', '!=', 'active').executeTakeFirst(),
    timeoutMs,
  );
const notificationsOf = (listingId: string) =>
  eventually(async () => {
    const rows = await env.deps.db
      .selectFrom('notifications')
      .select(['userId', 'type'])
      .where(sql<string>`data->>'listingId'`, '=', listingId)
      .execute();
    return rows.length ? rows : undefined;
  });
const typesByUser = (rows: Array<{ userId: string; type: string }>) => Object.fromEntries(rows.map((r) => [r.userId, r.type]));

describe('closing an auction', () => {
  it('at its end, the delayed job sells to the leader at the final price, with fees and notifications', async () => {
    const row = await closedRow(sold.id);
    const { model, mismatches } = replayThroughModel(termsOf(sold), engineConfigOf(env.deps), await decidedCommands(env.deps, sold.id));
    expect(mismatches).toEqual([]);
    const outcome = modelClose(model);
    expect(outcome).toEqual({ sold: true, winnerId: bob.id, finalPriceCents: 2600 });
    expect(row).toMatchObject({ status: 'ended_sold', winnerId: bob.id, currentPriceCents: 2600 });
    expect(row.endedAt!.getTime()).toBeGreaterThanOrEqual(sold.endsAt!.getTime());

    const txs = await env.deps.db.selectFrom('transactions').selectAll().where('listingId', '=', sold.id).execute();
    expect(txs).toHaveLength(1);
    const commission = commissionCents(2600, 600);
    expect(txs[0]).toMatchObject({
      buyerId: bob.id,
      sellerId: seller.id,
      amountCents: 2600,
      commissionBps: 600,
      commissionCents: commission,
      escrowFeeCents: 199,
      sellerPayoutCents: 2600 - commission - 199,
      status: 'pending_payment',
      source: 'auction',
    });
    expect(commission).toBe(156);
    expect(txs[0].paymentDueAt.getTime() - txs[0].createdAt.getTime()).toBeCloseTo(env.config.timing.paymentDeadlineSec * 1000, -4);

    const notes = await eventually(async () => {
      const rows = await notificationsOf(sold.id);
      return rows.filter((r) => r.type !== 'outbid').length >= 4 ? rows.filter((r) => r.type !== 'outbid') : undefined;
    });
    expect(typesByUser(notes)).toEqual({ [bob.id]: 'won', [seller.id]: 'sold', [alice.id]: 'lost', [carol.id]: 'lost' });
    const ended = await env.deps.db
      .selectFrom('listingEvents')
      .select('payload')
      .where('listingId', '=', sold.id)
      .where('type', '=', 'auction_ended')
      .execute();
    expect(ended.map((e) => e.payload)).toEqual([expect.objectContaining({ outcome: 'sold', finalPriceCents: 2600 })]);
  });

  it('with the reserve not met: ended_unsold, no transaction, the seller told `unsold`', async () => {
    const row = await closedRow(unsold.id);
    expect(row).toMatchObject({ status: 'ended_unsold', winnerId: null, reserveMet: false });
    expect(await env.deps.db.selectFrom('transactions').select('id').where('listingId', '=', unsold.id).execute()).toEqual([]);
    const notes = await eventually(async () => {
      const rows = (await notificationsOf(unsold.id)).filter((r) => r.type !== 'outbid');
      return rows.length >= 3 ? rows : undefined;
    });
    expect(typesByUser(notes)).toEqual({ [seller.id]: 'unsold', [alice.id]: 'lost', [bob.id]: 'lost' });
    const ended = await env.deps.db
      .selectFrom('listingEvents')
      .select('payload')
      .where('listingId', '=', unsold.id)
      .where('type', '=', 'auction_ended')
      .execute();
    expect(ended.map((e) => e.payload)).toEqual([expect.objectContaining({ outcome: 'unsold', finalPriceCents: null })]);
  });

  it('the sweep closes an overdue listing whose close job was never queued', async () => {
    expect(await env.deps.queues.auctions.getJob(closeJob(forgotten.endsAt!).jobId!)).toBeUndefined();
    const row = await closedRow(forgotten.id, 15_000);
    expect(row.status).toBe('ended_unsold');
    const notes = await notificationsOf(forgotten.id);
    expect(notes).toEqual([{ userId: seller.id, type: 'unsold' }]);
  }, 20_000);
});
