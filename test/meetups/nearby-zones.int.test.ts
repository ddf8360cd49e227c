import { useTransactionParties } from '../escrow-handover/support';
import { insertZone } from '../safe-zones/support';
import { createActiveListing } from '../support/fixtures';

const ctx = useTransactionParties();

describe('GET /v1/listings/:id nearbySafeZones (SPEC §9)', () => {
  it('lists the three nearest active zones to the listing, nearest first', async () => {
    const d = ctx.env.deps;
    // A remote spot so zones of the other tests (at City Hall) stay out of it.
    const spot = { lat: 48.4284, lng: -123.3656 };
    const ids = [];
    for (const km of [0.5, 1.5, 2.5, 3.5]) ids.push(await insertZone(d, { name: `Victoria ${km}`, lat: spot.lat + km / 111.2, lng: spot.lng }));
    await insertZone(d, { name: 'Victoria closed', lat: spot.lat + 0.1 / 111.2, lng: spot.lng, active: false });
    const listing = await createActiveListing(d, ctx.seller.id);
    await d.db.updateTable('listings').set({ locationLat: spot.lat, locationLng: spot.lng, locationName: 'Victoria' }).where('id', '=', listing.id).execute();

    const res = await ctx.env.http.get(`/v1/listings/${listing.id}`);
    expect(res.status).toBe(200);
    expect(res.body.nearbySafeZones.map((z: { id: string }) => z.id)).toEqual(ids.slice(0, 3));
    expect(res.body.nearbySafeZones[0]).toMatchObject({ name: 'Victoria 0.5', distanceKm: expect.any(Number), openNow: null });
    expect(res.body.nearbySafeZones[0].distanceKm).toBeCloseTo(0.5, 1);
  });

  it('is empty for a listing without a location', async () => {
    const listing = await createActiveListing(ctx.env.deps, ctx.seller.id);
    const res = await ctx.env.http.get(`/v1/listings/${listing.id}`).set(ctx.buyer.auth);
    expect(res.status).toBe(200);
    expect(res.body.nearbySafeZones).toEqual([]);
  });
});
