import { sql } from 'kysely';
import { closeJob, jobsForPublishedListing } from '../../src/modules/auctions/auction-jobs';
import { followerFanoutJob } from '../../src/modules/listings/notify-followers';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { createDraft, createPublished, fieldsOf, listingEnv } from './support';

const HOUR = 3600_000;
let env: TestEnv;
let seller: TestUser;
let stranger: TestUser;
beforeAll(async () => {
  env = await createTestEnv(listingEnv());
  seller = await createUser(env.deps);
  stranger = await createUser(env.deps);
});
afterAll(() => env.close());

/** Outbox messages that mention a listing, oldest first. */
/** The outbox messages about a listing: its own, and the close job of the second it ends in (once). */
async function outboxFor(listing: { id: string; endsAt?: string | Date | null }) {
  const closeJobId = listing.endsAt ? closeJob(new Date(listing.endsAt)).jobId : undefined;
  const rows = await env.deps.db.selectFrom('outbox').select(['topic', 'payload']).orderBy('id').execute();
  const payloads = rows.map((r) => r.payload as { kind: string; name?: string; event?: string; jobId?: string; data: { listingId?: string }; runAt?: number });
  const close = payloads.find((p) => p.name === 'auction.close_second' && p.jobId === closeJobId);
  return payloads.filter((p) => p.data.listingId === listing.id || p === close);
}

/** The jobs the auctions module asks for on publish (whatever they are), and the followers' fan-out, for this listing. */
function expectedJobs(listing: Record<string, unknown>) {
  const published = { id: String(listing.id), status: String(listing.status), startsAt: new Date(String(listing.startsAt)), endsAt: new Date(String(listing.endsAt)) };
  return [...jobsForPublishedListing(published, env.config.timing), followerFanoutJob(published.id)];
}

describe('who sees what', () => {
  it('shows a draft only to its seller, and the reserve only to the seller', async () => {
    const draft = await createDraft(env, seller);
    expect((await env.http.get(`/v1/listings/${draft.id}`)).status).toBe(404);
    expect((await env.http.get(`/v1/listings/${draft.id}`).set(stranger.auth)).status).toBe(404);
    const own = await env.http.get(`/v1/listings/${draft.id}`).set(seller.auth);
    expect([own.status, own.body.reservePriceCents]).toEqual([200, 8000]);

    await env.http.post(`/v1/listings/${draft.id}/publish`).set(seller.auth).expect(200);
    const theirs = await env.http.get(`/v1/listings/${draft.id}`).set(stranger.auth);
    expect(theirs.status).toBe(200);
    expect(theirs.body).not.toHaveProperty('reservePriceCents');
    expect(theirs.body).toMatchObject({ hasReserve: true, reserveMet: false, isWatching: false });
    const anonymous = await env.http.get(`/v1/listings/${draft.id}`);
    expect(anonymous.body).not.toHaveProperty('reservePriceCents');
    expect(anonymous.body).not.toHaveProperty('isWatching');
  });

  it('answers 404 to a stranger changing a draft and 403 once it is published', async () => {
    const draft = await createDraft(env, seller);
    const patch = () => env.http.patch(`/v1/listings/${draft.id}`).set(stranger.auth).send({ title: 'Mine now' });
    expect((await patch()).status).toBe(404);
    expect((await env.http.post(`/v1/listings/${draft.id}/publish`).set(stranger.auth)).status).toBe(404);
    await env.http.post(`/v1/listings/${draft.id}/publish`).set(seller.auth).expect(200);
    const res = await patch();
    expect([res.status, res.body.code]).toEqual([403, 'not_listing_seller']);
    expect((await env.http.delete(`/v1/listings/${draft.id}`).set(stranger.auth)).status).toBe(403);
  });

  it('shows the leader alias from listing_bidders', async () => {
    const listing = await createPublished(env, seller, { reservePriceCents: null });
    const bidder = await createUser(env.deps);
    await env.deps.db.insertInto('listingBidders').values({ listingId: listing.id, bidderId: bidder.id, alias: 'b***7', lastBidAt: new Date() }).execute();
    await env.deps.db
      .updateTable('listings')
      .set({ leaderId: bidder.id, leaderMaxCents: 9000, leaderSeq: 1, bidCount: 1, nextBidSeq: 2 })
      .where('id', '=', listing.id)
      .execute();
    const res = await env.http.get(`/v1/listings/${listing.id}`);
    // One bidder: price stays at the start, the next bid needs start + increment(5000) = 5100.
    expect(res.body).toMatchObject({ leaderAlias: 'b***7', bidCount: 1, currentPriceCents: 5000, minNextBidCents: 5100, reserveMet: true, buyNowAvailable: false });
  });
});

describe('POST /v1/listings/:id/publish', () => {
  it('makes a draft without a start active now and writes its close job to the outbox', async () => {
    const draft = await createDraft(env, seller);
    const before = Date.now();
    const res = await env.http.post(`/v1/listings/${draft.id}/publish`).set(seller.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'active', currentPriceCents: 5000, minNextBidCents: 5000, buyNowAvailable: true });
    expect(Date.parse(res.body.startsAt)).toBeGreaterThanOrEqual(before - 1000);
    const jobs = await outboxFor(res.body);
    expect(jobs).toContainEqual(expect.objectContaining({ kind: 'job', name: 'auction.close_second' }));
    expect(jobs.map((j) => j.name)).not.toContain('auction.open');
    expect(jobs).toEqual(expectedJobs(res.body));
  });

  it('schedules a draft that starts later, with open and close jobs', async () => {
    const startsAt = new Date(Date.now() + 2 * HOUR).toISOString();
    const endsAt = new Date(Date.now() + 50 * HOUR).toISOString();
    const draft = await createDraft(env, seller, { startsAt, endsAt });
    const res = await env.http.post(`/v1/listings/${draft.id}/publish`).set(seller.auth);
    expect(res.body).toMatchObject({ status: 'scheduled', startsAt, endsAt, buyNowAvailable: false });
    const jobs = await outboxFor(res.body);
    expect(jobs.map((j) => j.name)).toEqual(expect.arrayContaining(['auction.open', 'auction.close_second']));
    expect(jobs).toEqual(expectedJobs(res.body));
  });

  it('refuses a second publish with 409 listing_not_draft', async () => {
    const listing = await createPublished(env, seller);
    const res = await env.http.post(`/v1/listings/${listing.id}/publish`).set(seller.auth);
    expect([res.status, res.body.code]).toEqual([409, 'listing_not_draft']);
    expect(await outboxFor(listing)).toEqual(expectedJobs(listing));
  });

  it('refuses an auction without an end, or shorter than the minimum, naming endsAt', async () => {
    const open = await createDraft(env, seller, { endsAt: null });
    const r1 = await env.http.post(`/v1/listings/${open.id}/publish`).set(seller.auth);
    expect([r1.status, fieldsOf(r1.body)]).toEqual([422, ['endsAt']]);
    // The draft was valid when saved; by publish time too little of it is left.
    const stale = await createDraft(env, seller);
    await env.deps.db.updateTable('listings').set({ endsAt: sql<Date>`now() + interval '10 minutes'` }).where('id', '=', stale.id).execute();
    const r2 = await env.http.post(`/v1/listings/${stale.id}/publish`).set(seller.auth);
    expect([r2.status, fieldsOf(r2.body)]).toEqual([422, ['endsAt']]);
    expect(await outboxFor({ id: stale.id })).toEqual([]);
  });

  it('gives a fixed-price listing without an end a 30-day expiry', async () => {
    const listing = await createPublished(env, seller, { auctionType: 'fixed', startingPriceCents: undefined, reservePriceCents: null, buyNowPriceCents: 3000, endsAt: null });
    expect(Date.parse(listing.endsAt as string) - Date.parse(listing.startsAt as string)).toBe(30 * 24 * HOUR);
    expect(listing).toMatchObject({ status: 'active', buyNowAvailable: true });
  });
});

describe('DELETE /v1/listings/:id', () => {
  it('soft-deletes a draft: 404 for everyone afterwards', async () => {
    const draft = await createDraft(env, seller);
    expect((await env.http.delete(`/v1/listings/${draft.id}`).set(seller.auth)).status).toBe(204);
    expect((await env.http.get(`/v1/listings/${draft.id}`).set(seller.auth)).status).toBe(404);
    const row = await env.deps.db.selectFrom('listings').select('deletedAt').where('id', '=', draft.id).executeTakeFirstOrThrow();
    expect(row.deletedAt).toBeInstanceOf(Date);
  });

  it('cancels a listing without bids and announces auction_ended through the outbox', async () => {
    const listing = await createPublished(env, seller);
    expect((await env.http.delete(`/v1/listings/${listing.id}`).set(seller.auth)).status).toBe(204);
    const res = await env.http.get(`/v1/listings/${listing.id}`);
    expect(res.body).toMatchObject({ status: 'cancelled', buyNowAvailable: false });
    const events = await env.deps.db.selectFrom('listingEvents').selectAll().where('listingId', '=', listing.id).execute();
    expect(events).toEqual([expect.objectContaining({ seq: '1', type: 'auction_ended', payload: expect.objectContaining({ outcome: 'cancelled', finalPriceCents: null, seq: 1 }) })]);
    const messages = await outboxFor(listing);
    expect(messages.at(-1)).toMatchObject({ kind: 'event', event: 'auction_ended', data: { outcome: 'cancelled', finalPriceCents: null } });
    // Cancelling again is a no-op.
    expect((await env.http.delete(`/v1/listings/${listing.id}`).set(seller.auth)).status).toBe(204);
  });

  it('refuses to cancel a listing with bids (409 listing_has_bids)', async () => {
    const listing = await createPublished(env, seller);
    await env.deps.db.updateTable('listings').set({ bidCount: 1 }).where('id', '=', listing.id).execute();
    const res = await env.http.delete(`/v1/listings/${listing.id}`).set(seller.auth);
    expect([res.status, res.body.code]).toEqual([409, 'listing_has_bids']);
    expect((await env.http.get(`/v1/listings/${listing.id}`)).body.status).toBe('active');
  });

  it('refuses to cancel an ended listing', async () => {
    const listing = await createPublished(env, seller);
    await env.deps.db.updateTable('listings').set({ status: 'ended_unsold' }).where('id', '=', listing.id).execute();
    const res = await env.http.delete(`/v1/listings/${listing.id}`).set(seller.auth);
    expect([res.status, res.body.code]).toEqual([409, 'listing_ended']);
  });

  it('refuses to cancel a bid-less listing past its end that the close has not decided yet (409 listing_ended, nothing changed)', async () => {
    const listing = await createPublished(env, seller);
    // Its end has passed but the close job has not run: the auction is over, the close decides it.
    await env.deps.db.updateTable('listings').set({ startsAt: new Date(Date.now() - 3 * HOUR), endsAt: new Date(Date.now() - 1000) }).where('id', '=', listing.id).execute();
    const res = await env.http.delete(`/v1/listings/${listing.id}`).set(seller.auth);
    expect([res.status, res.body.code]).toEqual([409, 'listing_ended']);
    const row = await env.deps.db.selectFrom('listings').select(['status', 'cancelledAt']).where('id', '=', listing.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'active', cancelledAt: null });
    const events = await env.deps.db.selectFrom('listingEvents').select('type').where('listingId', '=', listing.id).execute();
    expect(events).toEqual([]);
  });
});
