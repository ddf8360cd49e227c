/**
 * Many auctions ending together are finalized in shared transactions (one statement per table per
 * batch); each listing must still end exactly once, with its own event seq, transaction and fees.
 */
import { closeAuction } from '../../src/modules/auctions/close-auction';
import { commissionCents } from '../../src/shared/money';
import { createActiveListing } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv } from '../support/harness';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

it('closes 40 listings ending together: sold ones get one transaction each, every one exactly one auction_ended event', async () => {
  const seller = await createUser(env.deps);
  const winner = await createUser(env.deps);
  const listings = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      createActiveListing(env.deps, seller.id, { endsInMs: 400, startingPriceCents: 1000 + i, title: `Lot ${i}` }),
    ),
  );
  const sold = listings.filter((_, i) => i % 2 === 0);
  for (const l of sold) {
    // A leader whose maximum is above the start: sold at the starting price (one bidder).
    await env.deps.db
      .updateTable('listings')
      .set({ leaderId: winner.id, leaderMaxCents: 5000, leaderSeq: 1, nextBidSeq: 2, bidCount: 1 })
      .where('id', '=', l.id)
      .execute();
  }
  // Each listing already has one stored event, so auction_ended must take seq 2.
  for (const l of listings) {
    await env.deps.db.updateTable('listings').set({ eventSeq: 1 }).where('id', '=', l.id).execute();
    await env.deps.db
      .insertInto('listingEvents')
      .values({ listingId: l.id, seq: 1, type: 'auction_started', payload: JSON.stringify({}) })
      .execute();
  }

  const closing = Date.now();
  const results = await Promise.all([...listings, ...listings.slice(0, 5)].map((l) => closeAuction(env.deps, l.id)));
  expect(results.filter((r) => r === 'closed')).toHaveLength(40);
  expect(results.filter((r) => r !== 'closed').every((r) => r === 'not_active')).toBe(true);

  const ids = listings.map((l) => l.id);
  const rows = await env.deps.db
    .selectFrom('listings')
    .select(['id', 'status', 'winnerId', 'eventSeq', 'endedAt'])
    .where('id', 'in', ids)
    .execute();
  for (const row of rows) {
    const wasSold = sold.some((l) => l.id === row.id);
    expect(row).toMatchObject({ status: wasSold ? 'ended_sold' : 'ended_unsold', winnerId: wasSold ? winner.id : null, eventSeq: '2' });
    expect(row.endedAt).not.toBeNull();
  }
  const ended = await env.deps.db
    .selectFrom('listingEvents')
    .select(['listingId', 'seq', 'payload'])
    .where('listingId', 'in', ids)
    .where('type', '=', 'auction_ended')
    .execute();
  expect(ended).toHaveLength(40);
  expect(ended.every((e) => Number(e.seq) === 2)).toBe(true);

  const transactions = await env.deps.db.selectFrom('transactions').selectAll().where('listingId', 'in', ids).execute();
  expect(transactions.map((t) => t.listingId).sort()).toEqual(sold.map((l) => l.id).sort());
  for (const tx of transactions) {
    const listing = sold.find((l) => l.id === tx.listingId)!;
    expect(tx).toMatchObject({ buyerId: winner.id, amountCents: listing.startingPriceCents, status: 'pending_payment', source: 'auction' });
    expect(tx.commissionCents).toBe(commissionCents(listing.startingPriceCents, 600));
    expect(tx.sellerPayoutCents).toBe(listing.startingPriceCents - tx.commissionCents - 199);
  }

  // Winner and seller of each sale, the seller of each unsold one, each once: a close batch's in one
  // batch job (a listing closed in a batch of its own has a single notification, sent as its own job).
  type Note = { type: string; userId: string; data: { listingId: string } };
  const outbox = await env.deps.db
    .selectFrom('outbox')
    .select(['topic', 'payload', 'availableAt', 'createdAt'])
    .where('createdAt', '>=', new Date(closing - 1000))
    .execute();
  const jobs = outbox.filter((r) => r.topic === 'job').map((r) => r.payload as { name: string; data: Note & { notifications?: Note[] } });
  const carried = (j: (typeof jobs)[number]) => (j.name === 'notification.send_batch' ? j.data.notifications! : j.name === 'notification.send' ? [j.data] : []);
  const ofThese = jobs.map((j) => carried(j).filter((n) => ids.includes(n.data.listingId))).filter((notes) => notes.length > 0);
  expect(ofThese.flat().map((n) => `${n.type} ${n.data.listingId}`).sort()).toEqual(
    [
      ...sold.flatMap((l) => [`won ${l.id}`, `sold ${l.id}`]),
      ...listings.filter((l) => !sold.includes(l)).map((l) => `unsold ${l.id}`),
    ].sort(),
  );
  expect(ofThese.length).toBeLessThan(10);

  // Every job of the batches (notifications, payment reminders and deadlines) is held back
  // CLOSE_JOBS_DELAY_MS after its batch, so a busy second's closes come first; the events are not.
  const delay = env.deps.config.timing.closeJobsDelayMs;
  expect(delay).toBeGreaterThan(0);
  const names = new Set(jobs.map((j) => j.name));
  for (const name of ['escrow.payment_reminder', 'escrow.payment_deadline']) expect(names).toContain(name);
  // (createdAt is the transaction's start; the hold is taken from the clock a little later, in whole ms.)
  const heldFor = (r: (typeof outbox)[number]) => r.availableAt.getTime() - r.createdAt.getTime();
  for (const row of outbox.filter((r) => r.topic === 'job')) expect(heldFor(row)).toBeGreaterThanOrEqual(delay - 1);
  const events = outbox.filter((r) => r.topic === 'event');
  expect(events.length).toBeGreaterThanOrEqual(40);
  for (const row of events) expect(heldFor(row)).toBe(0);
});
