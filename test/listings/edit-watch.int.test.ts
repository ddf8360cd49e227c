import { createUser, type TestUser } from '../support/harness';
import { createDraft, createPublished, fieldsOf, useListingSeller } from './support';

const ctx = useListingSeller();

const patch = (id: string, body: Record<string, unknown>, user = ctx.seller) => ctx.env.http.patch(`/v1/listings/${id}`).set(user.auth).send(body);
const setBids = (id: string, bidCount: number) => ctx.env.deps.db.updateTable('listings').set({ bidCount }).where('id', '=', id).execute();

describe('PATCH /v1/listings/:id on a draft', () => {
  it('changes anything and re-checks the price rules on the merged listing', async () => {
    const draft = await createDraft(ctx.env, ctx.seller);
    const ok = await patch(draft.id, { title: 'Vintage steel road bike', startingPriceCents: 6000, category: 'sports', location: null });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ title: 'Vintage steel road bike', startingPriceCents: 6000, currentPriceCents: 6000, category: 'sports', location: null });

    // A reserve above the existing buy-now breaks "buyNow ≥ reserve" only once merged.
    const merged = await patch(draft.id, { reservePriceCents: 20000 });
    expect([merged.status, fieldsOf(merged.body)]).toEqual([422, ['buyNowPriceCents']]);
    const unknown = await patch(draft.id, { category: 'spaceships' });
    expect([unknown.status, fieldsOf(unknown.body)]).toEqual([422, ['category']]);
    expect((await patch(draft.id, { reservePriceCents: 20000, buyNowPriceCents: 25000 })).status).toBe(200);
    expect((await patch(draft.id, { reservePriceCents: null })).body).toMatchObject({ reservePriceCents: null, hasReserve: false });
  });

  it('turns a draft into a fixed-price listing priced at its buy-now', async () => {
    const draft = await createDraft(ctx.env, ctx.seller);
    const res = await patch(draft.id, { auctionType: 'fixed', reservePriceCents: null, buyNowPriceCents: 12000 });
    expect(res.body).toMatchObject({ auctionType: 'fixed', startingPriceCents: 12000, currentPriceCents: 12000 });
  });
});

describe('PATCH /v1/listings/:id once published', () => {
  it('lets title, description, condition and location change before bids, but never the terms', async () => {
    const listing = await createPublished(ctx.env, ctx.seller);
    const edit = await patch(listing.id, { title: 'Road bike, 56 cm', description: 'Now with lights', condition: 'fair' });
    expect([edit.status, edit.body.title, edit.body.condition]).toEqual([200, 'Road bike, 56 cm', 'fair']);
    const terms = await patch(listing.id, { startingPriceCents: 4000, endsAt: new Date(Date.now() + 72 * 3600_000).toISOString() });
    expect([terms.status, terms.body.code, fieldsOf(terms.body)]).toEqual([409, 'listing_terms_locked', ['endsAt', 'startingPriceCents']]);
  });

  it('locks the terms and the title once there are bids; the description may still grow', async () => {
    const listing = await createPublished(ctx.env, ctx.seller);
    await setBids(listing.id, 2);
    for (const body of [{ buyNowPriceCents: 20000 }, { reservePriceCents: 9000 }, { category: 'sports' }, { auctionType: 'auction' }, { title: 'Other bike' }]) {
      const res = await patch(listing.id, body);
      expect([res.status, res.body.code]).toEqual([409, 'listing_terms_locked']);
    }
    const res = await patch(listing.id, { description: 'Steel frame, new tyres. Update: pedals included.', location: { lat: 45.52, lng: -73.58, name: 'Mile End' } });
    expect(res.status).toBe(200);
    expect(res.body.location).toEqual({ lat: 45.52, lng: -73.58, name: 'Mile End' });
    // Grow, not rewrite: what the bidders bid on stays in it.
    for (const description of ['Steel frame.', 'Aluminium frame, new tyres. Update: pedals included.']) {
      const rewrite = await patch(listing.id, { description });
      expect([rewrite.status, rewrite.body.code, fieldsOf(rewrite.body)]).toEqual([409, 'listing_terms_locked', ['description']]);
    }
    expect((await ctx.env.http.get(`/v1/listings/${listing.id}`)).body.description).toBe('Steel frame, new tyres. Update: pedals included.');
  });

  it('accepts the terms sent back unchanged (only real changes count)', async () => {
    const listing = await createPublished(ctx.env, ctx.seller);
    await setBids(listing.id, 1);
    const res = await patch(listing.id, { startingPriceCents: 5000, buyNowPriceCents: 15000, category: 'bikes', endsAt: listing.endsAt });
    expect(res.status).toBe(200);
  });

  it('refuses any change to an ended listing', async () => {
    const listing = await createPublished(ctx.env, ctx.seller);
    await ctx.env.deps.db.updateTable('listings').set({ status: 'ended_sold' }).where('id', '=', listing.id).execute();
    const res = await patch(listing.id, { description: 'too late' });
    expect([res.status, res.body.code]).toEqual([409, 'listing_not_editable']);
  });
});

describe('watching', () => {
  it('counts each watcher once, however often they press the button', async () => {
    const listing = await createPublished(ctx.env, ctx.seller);
    const [a, b] = [await createUser(ctx.env.deps), await createUser(ctx.env.deps)];
    const watch = (u: TestUser) => ctx.env.http.post(`/v1/listings/${listing.id}/watch`).set(u.auth);
    const first = await watch(a);
    expect([first.status, first.body]).toEqual([200, { watching: true, watchCount: 1 }]);
    const burst = await Promise.all(Array.from({ length: 5 }, () => watch(a)));
    expect(burst.map((r) => r.body.watchCount)).toEqual([1, 1, 1, 1, 1]);
    expect((await watch(b)).body).toEqual({ watching: true, watchCount: 2 });

    const seen = await ctx.env.http.get(`/v1/listings/${listing.id}`).set(a.auth);
    expect(seen.body).toMatchObject({ watchCount: 2, isWatching: true });
    expect((await ctx.env.http.get(`/v1/listings/${listing.id}`).set(ctx.seller.auth)).body.isWatching).toBe(false);

    const unwatch = () => ctx.env.http.delete(`/v1/listings/${listing.id}/watch`).set(a.auth);
    expect((await unwatch()).body).toEqual({ watching: false, watchCount: 1 });
    expect((await unwatch()).body).toEqual({ watching: false, watchCount: 1 });
    const rows = await ctx.env.deps.db.selectFrom('watches').select('userId').where('listingId', '=', listing.id).execute();
    expect(rows.map((r) => r.userId)).toEqual([b.id]);
  });

  it('does not let strangers watch drafts, nor anyone watch a cancelled listing', async () => {
    const watcher = await createUser(ctx.env.deps);
    const draft = await createDraft(ctx.env, ctx.seller);
    expect((await ctx.env.http.post(`/v1/listings/${draft.id}/watch`).set(watcher.auth)).status).toBe(404);
    const listing = await createPublished(ctx.env, ctx.seller);
    await ctx.env.http.delete(`/v1/listings/${listing.id}`).set(ctx.seller.auth).expect(204);
    const res = await ctx.env.http.post(`/v1/listings/${listing.id}/watch`).set(watcher.auth);
    expect([res.status, res.body.code]).toEqual([409, 'listing_not_watchable']);
  });
});
