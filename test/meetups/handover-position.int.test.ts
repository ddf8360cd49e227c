import { createTransaction, useTransactionParties } from '../escrow-handover/support';
import { expectProblem } from '../support/http';
import { arranged, CITY_HALL, inMinutes, propose, timeline, zoneAt } from './support';

const ctx = useTransactionParties();

/** ~1.1 km north of City Hall (0.01° of latitude), and ~200 m north of it. */
const FAR = { lat: CITY_HALL.lat + 0.01, lng: CITY_HALL.lng };
const NEAR = { lat: CITY_HALL.lat + 0.0018, lng: CITY_HALL.lng };

const funded = () => createTransaction(ctx.env.deps, { buyerId: ctx.buyer.id, sellerId: ctx.seller.id });
async function scan(txId: string, position: Record<string, unknown> = {}) {
  const { body } = await ctx.env.http.get(`/v1/transactions/${txId}/qr`).set(ctx.buyer.auth);
  return ctx.env.http.post(`/v1/transactions/${txId}/verify`).set(ctx.seller.auth).send({ token: body.token, ...position });
}
const handoverColumns = (txId: string) =>
  ctx.env.deps.db
    .selectFrom('transactions')
    .select(['handoverLat', 'handoverLng', 'handoverDistanceM', 'handoverFlagged', 'verifiedAt'])
    .where('id', '=', txId)
    .executeTakeFirstOrThrow();

describe('QR verify with the scanning phone position (SPEC §9)', () => {
  it('flags a handover more than 500 m from the accepted meetup zone on the timeline, and still verifies', async () => {
    const tx = await funded();
    const zoneId = await zoneAt(ctx.env);
    const meetupId = await arranged(ctx.env, tx, ctx.seller, ctx.buyer, zoneId, inMinutes(300));
    const res = await scan(tx.id, FAR);
    expect(res.status).toBe(200);
    expect(res.body.verifiedAt).toEqual(expect.any(String));
    const stored = await handoverColumns(tx.id);
    expect(stored).toMatchObject({ handoverLat: FAR.lat, handoverLng: FAR.lng, handoverFlagged: true });
    expect(stored.handoverDistanceM).toBeGreaterThan(1100);
    expect(stored.handoverDistanceM).toBeLessThan(1125);
    const [flag] = await timeline(ctx.env, tx.id, 'handover_far_from_zone');
    expect(flag).toMatchObject({ actorId: ctx.seller.id, data: { distanceM: stored.handoverDistanceM, thresholdM: 500, meetupId, safeZoneId: zoneId } });
    const events = await ctx.env.http.get(`/v1/transactions/${tx.id}/events`).set(ctx.support.auth);
    expect(events.body.items.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['pickup_verified', 'handover_far_from_zone']));
  });

  it('stores the position without a flag within 500 m', async () => {
    const tx = await funded();
    await arranged(ctx.env, tx, ctx.buyer, ctx.seller, await zoneAt(ctx.env), inMinutes(300));
    expect((await scan(tx.id, NEAR)).status).toBe(200);
    const stored = await handoverColumns(tx.id);
    expect(stored).toMatchObject({ handoverLat: NEAR.lat, handoverFlagged: false });
    expect(stored.handoverDistanceM).toBeGreaterThan(190);
    expect(stored.handoverDistanceM).toBeLessThan(210);
    expect(await timeline(ctx.env, tx.id, 'handover_far_from_zone')).toHaveLength(0);
  });

  it('stores and flags nothing without coordinates (a lost GPS fix never blocks a sale)', async () => {
    const tx = await funded();
    await arranged(ctx.env, tx, ctx.buyer, ctx.seller, await zoneAt(ctx.env), inMinutes(300));
    expect((await scan(tx.id)).status).toBe(200);
    expect(await handoverColumns(tx.id)).toMatchObject({ handoverLat: null, handoverLng: null, handoverDistanceM: null, handoverFlagged: false, verifiedAt: expect.any(Date) });
    expect(await timeline(ctx.env, tx.id, 'handover_far_from_zone')).toHaveLength(0);
  });

  it('does not flag when no meetup was accepted (only proposed), but keeps the position', async () => {
    const tx = await funded();
    await propose(ctx.env, ctx.buyer, tx.id, { safeZoneId: await zoneAt(ctx.env), startsAt: inMinutes(300).toISOString() });
    expect((await scan(tx.id, FAR)).status).toBe(200);
    expect(await handoverColumns(tx.id)).toMatchObject({ handoverLat: FAR.lat, handoverDistanceM: null, handoverFlagged: false });
    expect(await timeline(ctx.env, tx.id, 'handover_far_from_zone')).toHaveLength(0);
  });

  it('measures from the last accepted zone while a counter-proposal is pending, and flags a far scan', async () => {
    const tx = await funded();
    const agreedZone = await zoneAt(ctx.env);
    const acceptedId = await arranged(ctx.env, tx, ctx.seller, ctx.buyer, agreedZone, inMinutes(300));
    // The counter-proposal sits right where the phone scans: measuring from it would read ~0 m.
    const counter = await propose(ctx.env, ctx.buyer, tx.id, { safeZoneId: await zoneAt(ctx.env, FAR), startsAt: inMinutes(360).toISOString() });
    expect([counter.status, counter.body.status]).toEqual([201, 'proposed']);
    expect((await scan(tx.id, FAR)).status).toBe(200);
    const stored = await handoverColumns(tx.id);
    expect(stored).toMatchObject({ handoverLat: FAR.lat, handoverFlagged: true });
    expect(stored.handoverDistanceM).toBeGreaterThan(1100);
    expect(stored.handoverDistanceM).toBeLessThan(1125);
    const [flag] = await timeline(ctx.env, tx.id, 'handover_far_from_zone');
    expect(flag).toMatchObject({ data: { distanceM: stored.handoverDistanceM, meetupId: acceptedId, safeZoneId: agreedZone } });
  });

  it('reaches the support console: the dispute queue filters and marks flagged handovers, the case shows where and how far', async () => {
    const [far, near] = [await funded(), await funded()];
    for (const [tx, at] of [
      [far, FAR],
      [near, NEAR],
    ] as const) {
      await arranged(ctx.env, tx, ctx.seller, ctx.buyer, await zoneAt(ctx.env), inMinutes(300));
      expect((await scan(tx.id, at)).status).toBe(200);
    }
    // A handover cannot be disputed by a party once verified; the buyer's bank can (a chargeback).
    const chargeback = (transactionId: string) =>
      ctx.env.deps.db
        .insertInto('disputes')
        .values({ transactionId, source: 'chargeback', openedBy: null, reason: 'fraudulent' })
        .returning('id')
        .executeTakeFirstOrThrow();
    const [farDispute, nearDispute] = [await chargeback(far.id), await chargeback(near.id)];

    const flagged = await ctx.env.http.get('/v1/admin/disputes').query({ flagged: 'true' }).set(ctx.support.auth);
    expect(flagged.status).toBe(200);
    expect(flagged.body.items.map((d: { id: string }) => d.id)).toEqual([farDispute.id]);
    expect(flagged.body.items[0].transaction).toMatchObject({ id: far.id, handoverFlagged: true });
    const all = await ctx.env.http.get('/v1/admin/disputes').set(ctx.support.auth);
    const byId = new Map(
      all.body.items.map((d: { id: string; transaction: { handoverFlagged: boolean } }) => [d.id, d.transaction.handoverFlagged]),
    );
    expect([byId.get(farDispute.id), byId.get(nearDispute.id)]).toEqual([true, false]);

    const kase = await ctx.env.http.get(`/v1/admin/disputes/${farDispute.id}`).set(ctx.support.auth);
    expect(kase.status).toBe(200);
    expect(kase.body.transaction.handover).toEqual({ lat: FAR.lat, lng: FAR.lng, distanceM: expect.any(Number), flagged: true });
    expect(kase.body.transaction.handover.distanceM).toBeGreaterThan(1100);
    const marked = kase.body.timeline.filter((e: { flagged: boolean }) => e.flagged);
    expect(marked).toEqual([
      expect.objectContaining({ type: 'handover_far_from_zone', data: expect.objectContaining({ thresholdM: 500 }) }),
    ]);
    const calm = await ctx.env.http.get(`/v1/admin/disputes/${nearDispute.id}`).set(ctx.support.auth);
    expect(calm.body.transaction.handover).toMatchObject({ flagged: false });
    expect(calm.body.timeline.some((e: { flagged: boolean }) => e.flagged)).toBe(false);
  });

  it('verifies with lat/lng null (how a phone without a GPS fix reports it): stores and flags nothing', async () => {
    const tx = await funded();
    await arranged(ctx.env, tx, ctx.buyer, ctx.seller, await zoneAt(ctx.env), inMinutes(300));
    const res = await scan(tx.id, { lat: null, lng: null });
    expect([res.status, res.body.verifiedAt]).toEqual([200, expect.any(String)]);
    expect(await handoverColumns(tx.id)).toMatchObject({ handoverLat: null, handoverLng: null, handoverDistanceM: null, handoverFlagged: false });
    expect(await timeline(ctx.env, tx.id, 'handover_far_from_zone')).toHaveLength(0);
  });

  it('names the coordinate that is missing from half a position (400), consuming nothing', async () => {
    const tx = await funded();
    const { body } = await ctx.env.http.get(`/v1/transactions/${tx.id}/qr`).set(ctx.buyer.auth);
    const verify = (extra: Record<string, unknown>) =>
      ctx.env.http.post(`/v1/transactions/${tx.id}/verify`).set(ctx.seller.auth).send({ token: body.token, ...extra });
    for (const [extra, field] of [
      [{ lng: -79.3 }, 'lat'],
      [{ lat: null, lng: -79.3 }, 'lat'],
      [{ lat: 43.6, lng: null }, 'lng'],
    ] as const) {
      const res = await verify(extra);
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field })]);
    }
    expect((await verify(NEAR)).status).toBe(200);
  });

  it('refuses coordinates out of range or half a position (400 naming the field), consuming nothing', async () => {
    const tx = await funded();
    const { body } = await ctx.env.http.get(`/v1/transactions/${tx.id}/qr`).set(ctx.buyer.auth);
    const verify = (extra: Record<string, unknown>) =>
      ctx.env.http.post(`/v1/transactions/${tx.id}/verify`).set(ctx.seller.auth).send({ token: body.token, ...extra });
    for (const [extra, field] of [
      [{ lat: 91, lng: 0 }, 'lat'],
      [{ lat: 0, lng: -181 }, 'lng'],
      [{ lat: 43.6 }, 'lng'],
      [{ lat: '43.6', lng: -79.3 }, 'lat'],
    ] as const) {
      const res = await verify(extra);
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field })]);
    }
    expect((await verify(NEAR)).status).toBe(200);
  });
});
