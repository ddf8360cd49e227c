import type { RunningWorkers } from '../../workers/workers';
import { createActiveListing, withWorkers } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';

let env: TestEnv;
let workers: RunningWorkers;
let seller: TestUser;

beforeAll(async () => {
  env = await createTestEnv();
  workers = await withWorkers(await env.sibling());
  seller = await createUser(env.deps);
});
afterAll(async () => {
  await workers?.stop();
  await env?.close();
});

const bid = async (user: TestUser, listingId: string, maxAmountCents: number) =>
  expect((await env.http.post(`/v1/listings/${listingId}/bids`).set(user.auth).send({ maxAmountCents })).status).toBe(201);
const end = (listingId: string, status: 'ended_sold' | 'ended_unsold' | 'cancelled', winnerId: string | null = null) =>
  env.deps.db.updateTable('listings').set({ status, winnerId, endedAt: new Date() }).where('id', '=', listingId).execute();
const standing = async (user: TestUser) =>
  new Map(((await env.http.get('/v1/bids/me').set(user.auth)).body.items as Array<{ listingId: string; state: string }>).map((i) => [i.listingId, i.state]));

describe('GET /v1/bids/me states', () => {
  it('answers won for the winner of a sale and lost for everyone else once a listing ends or is cancelled', async () => {
    const [sold, unsold, cancelled] = await Promise.all([0, 1, 2].map(() => createActiveListing(env.deps, seller.id)));
    const [winner, loser] = await Promise.all([createUser(env.deps), createUser(env.deps)]);
    for (const listing of [sold, unsold, cancelled]) {
      await bid(loser, listing.id, 1000);
      await bid(winner, listing.id, 2000);
    }
    expect(await standing(winner)).toEqual(new Map([[cancelled.id, 'leading'], [unsold.id, 'leading'], [sold.id, 'leading']]));
    expect(await standing(loser)).toEqual(new Map([[cancelled.id, 'outbid'], [unsold.id, 'outbid'], [sold.id, 'outbid']]));

    await end(sold.id, 'ended_sold', winner.id);
    await end(unsold.id, 'ended_unsold'); // e.g. reserve not met: the leader did not win
    await end(cancelled.id, 'cancelled');
    expect(await standing(winner)).toEqual(new Map([[cancelled.id, 'lost'], [unsold.id, 'lost'], [sold.id, 'won']]));
    expect(await standing(loser)).toEqual(new Map([[cancelled.id, 'lost'], [unsold.id, 'lost'], [sold.id, 'lost']]));
  });

  it('shows the listing’s first image and leaves out soft-deleted listings', async () => {
    const listing = await createActiveListing(env.deps, seller.id, { title: 'Camera with lens' });
    const gone = await createActiveListing(env.deps, seller.id);
    const user = await createUser(env.deps);
    const image = (position: number, name: string) => ({
      listingId: listing.id, storageKey: name, url: `https://cdn.test/${name}`, contentType: 'image/jpeg', sizeBytes: 10, position,
    });
    const [second, first] = await env.deps.db.insertInto('listingImages').values([image(1, 'second.jpg'), image(0, 'first.jpg')]).returning(['id', 'url']).execute();
    await bid(user, listing.id, 1500);
    await bid(user, gone.id, 1500);
    await env.deps.db.updateTable('listings').set({ deletedAt: new Date() }).where('id', '=', gone.id).execute();

    const res = await env.http.get('/v1/bids/me').set(user.auth);
    expect(res.body.items).toEqual([
      expect.objectContaining({ listingId: listing.id, title: 'Camera with lens', image: { id: first.id, url: first.url }, maxAmountCents: 1500, state: 'leading' }),
    ]);
    expect(second.url).toBe('https://cdn.test/second.jpg');
  });
});
