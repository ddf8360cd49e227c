import QRCode from 'qrcode';
import { purgeDeletedAccounts } from '../../src/flows/account-lifecycle';
import { eraseListingsContentOf } from '../../src/modules/listings';
import { openWallet, payAndFund, simulateVerify, waitForStatus } from '../escrow/helpers';
import { createActiveListing, eventually } from '../support/fixtures';
import { createUser, type TestUser } from '../support/harness';
import { createStripeTestEnv, type StripeTestEnv } from '../support/stripe';

// SPEC §9: the purge removes a seller's personal data from their listings too (photos of their home,
// the description in their words, where they are) and keeps what the sale record names: the title.

/** What the purge leaves of a listing's own columns: the title, nothing personal. */
const erased = (title: string) => ({ title, description: '', locationLat: null, locationLng: null, locationName: null });

let env: StripeTestEnv;

beforeAll(async () => {
  env = await createStripeTestEnv();
});
afterAll(async () => {
  await env.close();
});

const DAY_MS = 24 * 60 * 60 * 1000;

/** A live listing placed at the seller's home, with a photo uploaded through the real route. */
async function listingWithPhoto(seller: TestUser, title: string) {
  const listing = await createActiveListing(env.deps, seller.id, {
    title,
    auctionType: 'fixed',
    startingPriceCents: 10_000,
    buyNowPriceCents: 10_000,
  });
  await env.deps.db
    .updateTable('listings')
    .set({ description: 'Collect from my flat at 12 Elm Street', locationLat: 52.52, locationLng: 13.405, locationName: 'Elm Street' })
    .where('id', '=', listing.id)
    .execute();
  const photo = await QRCode.toBuffer(`${title}, in my living room`, { scale: 2 });
  const uploaded = await env.http
    .post(`/v1/listings/${listing.id}/images`)
    .set(seller.auth)
    .attach('image', photo, { filename: 'p.png', contentType: 'image/png' });
  expect(uploaded.status).toBe(201);
  return { id: listing.id, photoUrl: uploaded.body.url as string };
}

const served = async (url: string) => (await env.http.get(new URL(url).pathname)).status;
const listingRow = (id: string) =>
  env.deps.db
    .selectFrom('listings')
    .select(['title', 'description', 'locationLat', 'locationLng', 'locationName'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
const imageRows = (id: string) => env.deps.db.selectFrom('listingImages').select('id').where('listingId', '=', id).execute();

describe('the purge after 30 days, of a seller’s listings', () => {
  it('deletes their photos (rows and stored objects), descriptions and locations; keeps the title the buyer’s purchase names; leaves other sellers’ listings alone', async () => {
    const seller = await createUser(env.deps);
    const buyer = await createUser(env.deps);
    const otherSeller = await createUser(env.deps);
    await openWallet(env, seller);

    const sold = await listingWithPhoto(seller, 'Oak wardrobe');
    const bought = await env.http.post(`/v1/listings/${sold.id}/buy-now`).set(buyer.auth).send({});
    expect(bought.status).toBe(201);
    const saleId = bought.body.transaction.id as string;
    await payAndFund(env, buyer, saleId);
    await simulateVerify(env.deps, saleId);
    await waitForStatus(env.deps, saleId, 'released');
    const unsold = await listingWithPhoto(seller, 'Pine shelf');
    const others = await listingWithPhoto(otherSeller, 'Teak chair');
    for (const listing of [sold, unsold, others]) expect(await served(listing.photoUrl)).toBe(200);

    expect((await env.http.delete('/v1/users/me').set(seller.auth)).status).toBe(204);
    const later = new Date(Date.now() + 31 * DAY_MS);
    expect((await purgeDeletedAccounts(env.deps, later)).purged).toBeGreaterThanOrEqual(1);

    for (const listing of [sold, unsold]) {
      expect(await imageRows(listing.id)).toEqual([]);
      // Storage is a network call: the purge hands the objects to a job after its commit.
      await eventually(async () => ((await served(listing.photoUrl)) === 404 ? true : undefined));
    }
    expect(await listingRow(sold.id)).toEqual(erased('Oak wardrobe'));
    expect(await listingRow(unsold.id)).toEqual(erased('Pine shelf'));

    // The buyer's purchase history still reads, naming the item.
    const purchases = await env.http.get('/v1/users/me/transactions?role=buyer').set(buyer.auth);
    expect(purchases.status).toBe(200);
    expect(purchases.body.items).toEqual([
      expect.objectContaining({ id: saleId, status: 'released', amountCents: 10_000, listingTitle: 'Oak wardrobe' }),
    ]);
    expect((await env.http.get(`/v1/transactions/${saleId}`).set(buyer.auth)).status).toBe(200);

    // Another seller's listing keeps everything.
    expect(await imageRows(others.id)).toHaveLength(1);
    expect(await served(others.photoUrl)).toBe(200);
    expect(await listingRow(others.id)).toEqual({
      title: 'Teak chair',
      description: 'Collect from my flat at 12 Elm Street',
      locationLat: 52.52,
      locationLng: 13.405,
      locationName: 'Elm Street',
    });

    // Erasing again finds nothing: no photo left to delete, no row changed.
    expect(await env.deps.db.transaction().execute((trx) => eraseListingsContentOf(trx, seller.id))).toEqual([]);
    expect(await listingRow(sold.id)).toEqual(erased('Oak wardrobe'));
  });
});
