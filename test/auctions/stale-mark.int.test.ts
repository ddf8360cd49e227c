/**
 * A duplicate intake of a retried bid can leave an "undecided" mark for a bid the worker already
 * decided. The close must see through it (the stored outcome proves the bid is decided) instead of
 * waiting for the mark to go stale.
 */
import { closeAuction } from '../../src/modules/auctions/close-auction';
import { createActiveListing } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv } from '../support/harness';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

it('closes promptly despite a leftover mark of an already decided bid', async () => {
  const seller = await createUser(env.deps);
  const bidder = await createUser(env.deps);
  // Ends far enough ahead that the duplicate below is stamped before the end even on a loaded host
  // (a mark stamped after the end rightly does not concern the close, and would stay behind).
  const listing = await createActiveListing(env.deps, seller.id, { endsInMs: 2000 });
  const requestId = 'r-decided-already';
  await env.deps.db
    .insertInto('bidRequests')
    .values({ requestId, listingId: listing.id, bidderId: bidder.id, maxAmountCents: 600, receivedAt: new Date(), accepted: false, result: JSON.stringify({ ok: false }) })
    .execute();
  // The late duplicate's intake (mark and command; its drain job is not run here).
  await env.deps.bidsInFlight.receive({ requestId, listingId: listing.id, bidderId: bidder.id, maxAmountCents: 600 });

  await new Promise((r) => setTimeout(r, Math.max(0, new Date(listing.endsAt!).getTime() - Date.now() + 50)));
  const started = Date.now();
  await expect(closeAuction(env.deps, listing.id)).resolves.toBe('closed');
  // Waiting the mark out would take WAIT_LIMIT_MS (30 s); seeing through it takes well under a second
  // on a quiet machine, a few on a loaded one.
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(await env.deps.bidsInFlight.undecidedBefore(listing.id, Date.now() + 1000)).toEqual([]);
});

it('keeps waiting while a marked bid is genuinely undecided', async () => {
  const seller = await createUser(env.deps);
  const bidder = await createUser(env.deps);
  const listing = await createActiveListing(env.deps, seller.id, { endsInMs: 300 });
  await env.deps.bidsInFlight.receive({ requestId: 'r-still-in-the-queue', listingId: listing.id, bidderId: bidder.id, maxAmountCents: 600 });
  const closing = closeAuction(env.deps, listing.id);
  await new Promise((r) => setTimeout(r, 1000));
  const row = await env.deps.db.selectFrom('listings').select('status').where('id', '=', listing.id).executeTakeFirstOrThrow();
  expect(row.status).toBe('active');
  await env.deps.bidsInFlight.settle(listing.id, ['r-still-in-the-queue']); // the worker decides it
  await expect(closing).resolves.toBe('closed');
});
