import { randomUUID } from 'node:crypto';
import { createTransaction, outboxJobs, useTransactionParties } from '../escrow-handover/support';
import { useDyingApi } from '../support/dying-api';
import type { TestUser } from '../support/harness';
import { expectProblem } from '../support/http';
import { insertZone } from '../safe-zones/support';
import { accept, arranged, inMinutes, meetupRows, propose, timeline, zoneAt } from './support';

const ctx = useTransactionParties();
const funded = (status?: Parameters<typeof createTransaction>[1]['status']) =>
  createTransaction(ctx.env.deps, { buyerId: ctx.buyer.id, sellerId: ctx.seller.id, status });
const meetupEvents = async (txId: string) => {
  const rows = await ctx.env.deps.db.selectFrom('outbox').select('payload').where('topic', '=', 'event').orderBy('id').execute();
  return rows
    .map((r) => r.payload as unknown as { event: string; rooms: string[]; data: { transactionId: string; meetup: Record<string, unknown> } })
    .filter((p) => p.event === 'meetup_updated' && p.data.transactionId === txId);
};

/** The meetup.remind jobs in the outbox for a transaction, with their run times. */
const reminders = async (txId: string) =>
  (await outboxJobs(ctx.env.deps, 'meetup.remind', txId)) as unknown as Array<{ queue: string; jobId: string; data: { kind: string }; runAt?: number }>;

describe('POST /v1/transactions/:id/meetup', () => {
  it('lets either party propose; the proposal shows on the transaction, the timeline and the room', async () => {
    const tx = await funded();
    const zoneId = await zoneAt(ctx.env);
    const startsAt = inMinutes(24 * 60);
    const res = await propose(ctx.env, ctx.buyer, tx.id, { safeZoneId: zoneId, startsAt: startsAt.toISOString() });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      safeZone: { id: zoneId, active: true, name: expect.any(String), timezone: 'America/Toronto' },
      startsAt: startsAt.toISOString(),
      status: 'proposed',
      proposedBy: ctx.buyer.id,
      acceptedAt: null,
    });

    const detail = await ctx.env.http.get(`/v1/transactions/${tx.id}`).set(ctx.seller.auth);
    expect(detail.status).toBe(200);
    expect(detail.body.meetup).toEqual(res.body);
    const events = await timeline(ctx.env, tx.id, 'meetup_proposed');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: ctx.buyer.id, data: { meetupId: res.body.id, safeZoneId: zoneId, startsAt: startsAt.toISOString() } });
    const room = await meetupEvents(tx.id);
    expect(room).toHaveLength(1);
    expect(room[0]).toMatchObject({ rooms: [`transaction:${tx.id}`], data: { meetup: { id: res.body.id, status: 'proposed' } } });
  });

  it('shows meetup: null before anything is proposed', async () => {
    const tx = await funded();
    const detail = await ctx.env.http.get(`/v1/transactions/${tx.id}`).set(ctx.buyer.auth);
    expect(detail.status).toBe(200);
    expect(detail.body.meetup).toBeNull();
  });

  it('replaces the current meetup with a new proposal (accepted or not), keeping one current row', async () => {
    const tx = await funded();
    const [a, b] = await Promise.all([zoneAt(ctx.env), zoneAt(ctx.env, { lat: 43.66, lng: -79.39 })]);
    await arranged(ctx.env, tx, ctx.seller, ctx.buyer, a, inMinutes(600));
    const res = await propose(ctx.env, ctx.buyer, tx.id, { safeZoneId: b, startsAt: inMinutes(900).toISOString() });
    expect(res.status).toBe(201);
    const rows = await meetupRows(ctx.env, tx.id);
    expect(rows.map((r) => r.status)).toEqual(['superseded', 'proposed']);
    const detail = await ctx.env.http.get(`/v1/transactions/${tx.id}`).set(ctx.seller.auth);
    expect(detail.body.meetup).toMatchObject({ id: res.body.id, safeZone: { id: b }, status: 'proposed', proposedBy: ctx.buyer.id });
  });

  it('keeps exactly one current meetup when both parties propose at the same instant', async () => {
    const tx = await funded();
    const zoneId = await zoneAt(ctx.env);
    const body = { safeZoneId: zoneId, startsAt: inMinutes(400).toISOString() };
    const answers = await Promise.all([propose(ctx.env, ctx.buyer, tx.id, body), propose(ctx.env, ctx.seller, tx.id, body)]);
    expect(answers.map((r) => r.status)).toEqual([201, 201]);
    const rows = await meetupRows(ctx.env, tx.id);
    expect(rows.map((r) => r.status).sort()).toEqual(['proposed', 'superseded']);
    expect(await timeline(ctx.env, tx.id, 'meetup_proposed')).toHaveLength(2);
  });

  it('refuses a time in the past (422 meetup_in_past naming startsAt) and writes nothing', async () => {
    const tx = await funded();
    const res = await propose(ctx.env, ctx.buyer, tx.id, { safeZoneId: await zoneAt(ctx.env), startsAt: inMinutes(-1).toISOString() });
    expectProblem(res, 422, 'meetup_in_past');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'startsAt' })]);
    expect(await meetupRows(ctx.env, tx.id)).toHaveLength(0);
    expect(await timeline(ctx.env, tx.id, 'meetup_proposed')).toHaveLength(0);
    expect(await meetupEvents(tx.id)).toHaveLength(0);
  });

  it('refuses a time after the unverified sale goes to support (422 meetup_too_late naming startsAt), accepts one just before', async () => {
    const paidAt = new Date();
    const tx = await createTransaction(ctx.env.deps, { buyerId: ctx.buyer.id, sellerId: ctx.seller.id, paidAt });
    const escalatesAt = paidAt.getTime() + ctx.env.deps.config.timing.disputeEscalationSec * 1000;
    const zone = await zoneAt(ctx.env);
    const late = await propose(ctx.env, ctx.buyer, tx.id, { safeZoneId: zone, startsAt: new Date(escalatesAt + 60_000).toISOString() });
    expectProblem(late, 422, 'meetup_too_late');
    expect(late.body.errors).toEqual([expect.objectContaining({ field: 'startsAt' })]);
    expect(await meetupRows(ctx.env, tx.id)).toHaveLength(0);
    const inTime = await propose(ctx.env, ctx.buyer, tx.id, { safeZoneId: zone, startsAt: new Date(escalatesAt - 60_000).toISOString() });
    expect(inTime.status).toBe(201);
  });

  it('refuses an inactive or unknown zone (422 safe_zone_unavailable naming safeZoneId)', async () => {
    const tx = await funded();
    const inactive = await zoneAt(ctx.env, undefined, false);
    for (const safeZoneId of [inactive, '00000000-0000-4000-8000-000000000000']) {
      const res = await propose(ctx.env, ctx.seller, tx.id, { safeZoneId, startsAt: inMinutes(60).toISOString() });
      expectProblem(res, 422, 'safe_zone_unavailable');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'safeZoneId' })]);
    }
    expect(await meetupRows(ctx.env, tx.id)).toHaveLength(0);
  });

  it("refuses a time when the zone is closed, judged in the zone's own time zone (422 safe_zone_closed naming startsAt)", async () => {
    // Paid days before the fixed dates below, so that they fall before the sale goes to support.
    const tx = await createTransaction(ctx.env.deps, { buyerId: ctx.buyer.id, sellerId: ctx.seller.id, paidAt: new Date('2030-01-03T00:00:00Z') });
    // Open Mondays 09:00–17:00 Vancouver time (PST, UTC−8 in January); hours unknown elsewhere → allowed.
    const zoneId = await insertZone(ctx.env.deps, {
      lat: 49.2827,
      lng: -123.1207,
      hours: { mon: [{ opens: '09:00', closes: '17:00' }] },
      timezone: 'America/Vancouver',
    });
    const at = (iso: string) => propose(ctx.env, ctx.buyer, tx.id, { safeZoneId: zoneId, startsAt: iso });
    for (const closed of ['2030-01-07T16:30:00Z', '2030-01-08T01:00:00Z', '2030-01-06T18:00:00Z']) {
      // Monday 08:30, Monday 17:00 sharp, Sunday 10:00 — all Vancouver time.
      const res = await at(closed);
      expectProblem(res, 422, 'safe_zone_closed');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'startsAt', message: expect.stringMatching(/Mon 09:00-17:00/) })]);
    }
    expect(await meetupRows(ctx.env, tx.id)).toHaveLength(0);
    expect(await meetupEvents(tx.id)).toHaveLength(0);
    // Tuesday 00:30 UTC is Monday 16:30 in Vancouver: open.
    expect((await at('2030-01-08T00:30:00Z')).status).toBe(201);

    // Hours changed after the proposal: accepting it would send both parties to a closed door.
    await ctx.env.deps.db
      .updateTable('safeZones')
      .set({ hours: JSON.stringify({ mon: [{ opens: '09:00', closes: '12:00' }] }) })
      .where('id', '=', zoneId)
      .execute();
    expectProblem(await accept(ctx.env, ctx.seller, tx.id), 422, 'safe_zone_closed');
    expect((await meetupRows(ctx.env, tx.id)).map((r) => r.status)).toEqual(['proposed']);
  });

  it('refuses a transaction that is not in escrow (409) or already handed over', async () => {
    const zoneId = await zoneAt(ctx.env);
    const body = { safeZoneId: zoneId, startsAt: inMinutes(60).toISOString() };
    for (const status of ['pending_payment', 'released', 'cancelled', 'refunded'] as const) {
      const tx = await funded(status);
      expectProblem(await propose(ctx.env, ctx.buyer, tx.id, body), 409, 'transaction_not_in_escrow');
      expect(await meetupRows(ctx.env, tx.id)).toHaveLength(0);
    }
    const verified = await createTransaction(ctx.env.deps, { buyerId: ctx.buyer.id, sellerId: ctx.seller.id, verified: true });
    expectProblem(await propose(ctx.env, ctx.buyer, verified.id, body), 409, 'already_verified');
  });

  it('hides the transaction from a stranger (404, even with bad input), refuses staff (403), anonymous 401', async () => {
    const tx = await funded();
    const zoneId = await zoneAt(ctx.env);
    const body = { safeZoneId: zoneId, startsAt: inMinutes(60).toISOString() };
    expectProblem(await propose(ctx.env, ctx.stranger, tx.id, body), 404, 'not_found');
    expectProblem(await propose(ctx.env, ctx.stranger, tx.id, { ...body, startsAt: inMinutes(-5).toISOString() }), 404, 'not_found');
    expectProblem(await propose(ctx.env, ctx.support, tx.id, body), 403, 'not_a_party');
    expectProblem(await ctx.env.http.post(`/v1/transactions/${tx.id}/meetup`).send(body), 401);
    expect(await meetupRows(ctx.env, tx.id)).toHaveLength(0);
  });

  it('answers 400 naming the field for malformed input', async () => {
    const tx = await funded();
    const res = await propose(ctx.env, ctx.buyer, tx.id, { safeZoneId: 'nope', startsAt: 'tomorrow' });
    expectProblem(res, 400);
    const fields = (res.body.errors as Array<{ field: string }>).map((e) => e.field).sort();
    expect(fields).toEqual(['safeZoneId', 'startsAt']);
  });
});

describe('POST /v1/transactions/:id/meetup/accept', () => {
  it('lets the other party accept: status accepted, timeline, room event, reminders 2 h and 15 min before', async () => {
    const tx = await funded();
    const zoneId = await zoneAt(ctx.env);
    const startsAt = inMinutes(180);
    const proposed = await propose(ctx.env, ctx.seller, tx.id, { safeZoneId: zoneId, startsAt: startsAt.toISOString() });
    const res = await accept(ctx.env, ctx.buyer, tx.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: proposed.body.id, status: 'accepted', proposedBy: ctx.seller.id, acceptedAt: expect.any(String) });
    const detail = await ctx.env.http.get(`/v1/transactions/${tx.id}`).set(ctx.buyer.auth);
    expect(detail.body.meetup).toMatchObject({ status: 'accepted', startsAt: startsAt.toISOString(), safeZone: { id: zoneId }, proposedBy: ctx.seller.id });
    expect(await timeline(ctx.env, tx.id, 'meetup_accepted')).toEqual([expect.objectContaining({ actorId: ctx.buyer.id })]);
    expect((await meetupEvents(tx.id)).map((e) => e.data.meetup.status)).toEqual(['proposed', 'accepted']);

    const jobs = await reminders(tx.id);
    expect(jobs.map((j) => [j.data.kind, j.runAt])).toEqual([
      ['2h', startsAt.getTime() - 2 * 3600_000],
      ['15m', startsAt.getTime() - 15 * 60_000],
    ]);
    expect(jobs[0]).toMatchObject({ queue: 'notifications', data: { meetupId: res.body.id, transactionId: tx.id, startsAt: startsAt.toISOString() } });
    expect(jobs[0].jobId).toBe(`meetup-remind-${res.body.id}-2h-${startsAt.getTime()}`);
  });

  it('skips a reminder whose time has already passed (a meetup in an hour gets only the 15-minute one)', async () => {
    const tx = await funded();
    await arranged(ctx.env, tx, ctx.buyer, ctx.seller, await zoneAt(ctx.env), inMinutes(60));
    const jobs = await reminders(tx.id);
    expect(jobs.map((j) => j.data.kind)).toEqual(['15m']);
  });

  it('refuses the proposer (403 meetup_proposer), nothing proposed (409), twice (409), stranger 404', async () => {
    const tx = await funded();
    expectProblem(await accept(ctx.env, ctx.buyer, tx.id), 409, 'no_meetup_proposed');
    await propose(ctx.env, ctx.buyer, tx.id, { safeZoneId: await zoneAt(ctx.env), startsAt: inMinutes(300).toISOString() });
    expectProblem(await accept(ctx.env, ctx.buyer, tx.id), 403, 'meetup_proposer');
    expectProblem(await accept(ctx.env, ctx.stranger, tx.id), 404, 'not_found');
    expectProblem(await accept(ctx.env, ctx.support, tx.id), 403, 'not_a_party');
    expect((await meetupRows(ctx.env, tx.id)).map((r) => r.status)).toEqual(['proposed']);
    expect((await accept(ctx.env, ctx.seller, tx.id)).status).toBe(200);
    expectProblem(await accept(ctx.env, ctx.seller, tx.id), 409, 'meetup_already_accepted');
    expect(await outboxJobs(ctx.env.deps, 'meetup.remind', tx.id)).toHaveLength(2);
  });

  it('refuses a proposal whose time has passed (422 meetup_in_past) without naming a body field: accept sends none', async () => {
    const tx = await funded();
    await propose(ctx.env, ctx.buyer, tx.id, { safeZoneId: await zoneAt(ctx.env), startsAt: inMinutes(120).toISOString() });
    const passed = inMinutes(-5);
    await ctx.env.deps.db.updateTable('meetups').set({ startsAt: passed }).where('transactionId', '=', tx.id).execute();
    const res = await accept(ctx.env, ctx.seller, tx.id);
    expectProblem(res, 422, 'meetup_in_past');
    // Like other state refusals (payment_deadline_passed): the state as an extension, no errors[] entry.
    expect(res.body).not.toHaveProperty('errors');
    expect(res.body.startsAt).toBe(passed.toISOString());
    expect((await meetupRows(ctx.env, tx.id)).map((r) => r.status)).toEqual(['proposed']);
    expect(await timeline(ctx.env, tx.id, 'meetup_accepted')).toHaveLength(0);
    expect(await outboxJobs(ctx.env.deps, 'meetup.remind', tx.id)).toHaveLength(0);
  });

  it('refuses a zone deactivated since the proposal (422 safe_zone_unavailable) without naming a body field', async () => {
    const tx = await funded();
    const zoneId = await zoneAt(ctx.env);
    await propose(ctx.env, ctx.buyer, tx.id, { safeZoneId: zoneId, startsAt: inMinutes(300).toISOString() });
    await ctx.env.deps.db.updateTable('safeZones').set({ active: false }).where('id', '=', zoneId).execute();
    const res = await accept(ctx.env, ctx.seller, tx.id);
    expectProblem(res, 422, 'safe_zone_unavailable');
    // The zone is the meetup's state, not a field of the bodiless accept request.
    expect(res.body).not.toHaveProperty('errors');
    expect(res.body.safeZoneId).toBe(zoneId);
    expect((await meetupRows(ctx.env, tx.id)).map((r) => r.status)).toEqual(['proposed']);
    expect(await timeline(ctx.env, tx.id, 'meetup_accepted')).toHaveLength(0);
    expect(await outboxJobs(ctx.env.deps, 'meetup.remind', tx.id)).toHaveLength(0);
  });

  it("refuses a zone whose hours changed so it is closed then (422 safe_zone_closed) without naming a body field", async () => {
    const tx = await funded();
    const zoneId = await zoneAt(ctx.env);
    const startsAt = inMinutes(300);
    await propose(ctx.env, ctx.buyer, tx.id, { safeZoneId: zoneId, startsAt: startsAt.toISOString() });
    // Hours were unknown (any time) when proposed; now known, and closed every day.
    await ctx.env.deps.db.updateTable('safeZones').set({ hours: JSON.stringify({}) }).where('id', '=', zoneId).execute();
    const res = await accept(ctx.env, ctx.seller, tx.id);
    expectProblem(res, 422, 'safe_zone_closed');
    expect(res.body).not.toHaveProperty('errors');
    expect(res.body).toMatchObject({ safeZoneId: zoneId, startsAt: startsAt.toISOString() });
    expect((await meetupRows(ctx.env, tx.id)).map((r) => r.status)).toEqual(['proposed']);
    expect(await timeline(ctx.env, tx.id, 'meetup_accepted')).toHaveLength(0);
    expect(await outboxJobs(ctx.env.deps, 'meetup.remind', tx.id)).toHaveLength(0);
  });

  describe('with the id of the proposal the user is looking at ({ meetupId })', () => {
    const acceptSeen = (user: typeof ctx.buyer, txId: string, body: unknown) =>
      ctx.env.http.post(`/v1/transactions/${txId}/meetup/accept`).set(user.auth).send(body as object);

    it('refuses a proposal replaced meanwhile (409 meetup_changed) and accepts nothing', async () => {
      const tx = await funded();
      const [a, b] = await Promise.all([zoneAt(ctx.env), zoneAt(ctx.env, { lat: 43.66, lng: -79.39 })]);
      const seen = await propose(ctx.env, ctx.seller, tx.id, { safeZoneId: a, startsAt: inMinutes(300).toISOString() });
      // The proposer replaces it before the buyer's accept arrives.
      const replaced = await propose(ctx.env, ctx.seller, tx.id, { safeZoneId: b, startsAt: inMinutes(900).toISOString() });
      const res = await acceptSeen(ctx.buyer, tx.id, { meetupId: seen.body.id });
      expectProblem(res, 409, 'meetup_changed');
      expect(res.body.meetupId).toBe(replaced.body.id);
      expect((await meetupRows(ctx.env, tx.id)).map((r) => r.status)).toEqual(['superseded', 'proposed']);
      expect(await timeline(ctx.env, tx.id, 'meetup_accepted')).toHaveLength(0);
      expect(await outboxJobs(ctx.env.deps, 'meetup.remind', tx.id)).toHaveLength(0);
      expect((await meetupEvents(tx.id)).map((e) => e.data.meetup.status)).toEqual(['proposed', 'proposed']);
    });

    it('accepts the current proposal named by its id (200)', async () => {
      const tx = await funded();
      const proposed = await propose(ctx.env, ctx.seller, tx.id, { safeZoneId: await zoneAt(ctx.env), startsAt: inMinutes(300).toISOString() });
      const res = await acceptSeen(ctx.buyer, tx.id, { meetupId: proposed.body.id });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: proposed.body.id, status: 'accepted' });
    });

    it('still accepts without a body, or with an empty one (200, as before)', async () => {
      for (const body of [undefined, {}]) {
        const tx = await funded();
        const proposed = await propose(ctx.env, ctx.seller, tx.id, { safeZoneId: await zoneAt(ctx.env), startsAt: inMinutes(300).toISOString() });
        const res = await acceptSeen(ctx.buyer, tx.id, body);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ id: proposed.body.id, status: 'accepted' });
      }
    });

    it('answers 400 naming meetupId when it is not a uuid, and writes nothing', async () => {
      const tx = await funded();
      await propose(ctx.env, ctx.seller, tx.id, { safeZoneId: await zoneAt(ctx.env), startsAt: inMinutes(300).toISOString() });
      for (const meetupId of [42, 'nope', null]) {
        const res = await acceptSeen(ctx.buyer, tx.id, { meetupId });
        expectProblem(res, 400);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'meetupId' })]);
      }
      expect((await meetupRows(ctx.env, tx.id)).map((r) => r.status)).toEqual(['proposed']);
    });

    it('decides under the row lock: an accept racing a replacement never accepts a proposal it did not name', async () => {
      const [a, b] = await Promise.all([zoneAt(ctx.env), zoneAt(ctx.env, { lat: 43.66, lng: -79.39 })]);
      for (let i = 0; i < 5; i += 1) {
        const tx = await funded();
        const seen = await propose(ctx.env, ctx.seller, tx.id, { safeZoneId: a, startsAt: inMinutes(300).toISOString() });
        const [res] = await Promise.all([
          acceptSeen(ctx.buyer, tx.id, { meetupId: seen.body.id }),
          propose(ctx.env, ctx.seller, tx.id, { safeZoneId: b, startsAt: inMinutes(900).toISOString() }),
        ]);
        const rows = await meetupRows(ctx.env, tx.id);
        const accepted = rows.filter((r) => r.acceptedAt !== null).map((r) => r.id);
        if (res.status === 200) expect(accepted).toEqual([seen.body.id]);
        else {
          expectProblem(res, 409, 'meetup_changed');
          expect(accepted).toEqual([]);
        }
      }
    });
  });

  it('refuses once the transaction left escrow, and a zone deactivated since the proposal', async () => {
    const tx = await funded();
    const zoneId = await zoneAt(ctx.env);
    await propose(ctx.env, ctx.buyer, tx.id, { safeZoneId: zoneId, startsAt: inMinutes(300).toISOString() });
    await ctx.env.deps.db.updateTable('safeZones').set({ active: false }).where('id', '=', zoneId).execute();
    expectProblem(await accept(ctx.env, ctx.seller, tx.id), 422, 'safe_zone_unavailable');
    await ctx.env.deps.db.updateTable('transactions').set({ status: 'refunded' }).where('id', '=', tx.id).execute();
    expectProblem(await accept(ctx.env, ctx.seller, tx.id), 409, 'transaction_not_in_escrow');
    expect((await meetupRows(ctx.env, tx.id)).map((r) => r.status)).toEqual(['proposed']);
    expect(await outboxJobs(ctx.env.deps, 'meetup.remind', tx.id)).toHaveLength(0);
  });
});

describe('arranging a meetup with an Idempotency-Key', () => {
  // A second api on the same database whose requests die past their commit (test/support/dying-api.ts).
  const dyingApi = useDyingApi(() => ctx.env);

  const withKey = (user: TestUser, path: string, key: string, body: object, api = ctx.env.http) =>
    api.post(path).set(user.auth).set('Idempotency-Key', key).send(body);
  /** The first request dies past its commit; the client retries under the same key once its lease is over. */
  async function diesThenRetries(user: TestUser, path: string, body: object) {
    const key = randomUUID();
    await dyingApi.dieAfterWork(key, (api) => withKey(user, path, key, body, api));
    return withKey(user, path, key, body);
  }

  it('a propose retried after the first request died past its commit gets the same 201, and proposes once', async () => {
    const tx = await funded();
    const zoneId = await zoneAt(ctx.env);
    const retry = await diesThenRetries(ctx.buyer, `/v1/transactions/${tx.id}/meetup`, { safeZoneId: zoneId, startsAt: inMinutes(600).toISOString() });
    const rows = await meetupRows(ctx.env, tx.id);
    expect(rows.map((r) => r.status)).toEqual(['proposed']);
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ id: rows[0].id, status: 'proposed', proposedBy: ctx.buyer.id, safeZone: { id: zoneId } });
    // The other party was told once.
    expect(await timeline(ctx.env, tx.id, 'meetup_proposed')).toHaveLength(1);
    expect(await meetupEvents(tx.id)).toHaveLength(1);
  });

  it('an accept retried after the first request died past its commit gets the same 200, not meetup_already_accepted', async () => {
    const tx = await funded();
    const proposed = await propose(ctx.env, ctx.seller, tx.id, { safeZoneId: await zoneAt(ctx.env), startsAt: inMinutes(600).toISOString() });
    const retry = await diesThenRetries(ctx.buyer, `/v1/transactions/${tx.id}/meetup/accept`, { meetupId: proposed.body.id });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ id: proposed.body.id, status: 'accepted', acceptedAt: expect.any(String) });
    const detail = await ctx.env.http.get(`/v1/transactions/${tx.id}`).set(ctx.buyer.auth);
    expect(detail.body.meetup).toEqual(retry.body);
    expect(await timeline(ctx.env, tx.id, 'meetup_accepted')).toHaveLength(1);
    expect(await outboxJobs(ctx.env.deps, 'meetup.remind', tx.id)).toHaveLength(2);
  });

  it('a replay answers the stored reply without proposing or accepting again', async () => {
    const tx = await funded();
    const body = { safeZoneId: await zoneAt(ctx.env), startsAt: inMinutes(600).toISOString() };
    const [proposeKey, acceptKey] = [randomUUID(), randomUUID()];
    const proposePath = `/v1/transactions/${tx.id}/meetup`;
    const first = await withKey(ctx.seller, proposePath, proposeKey, body);
    const replay = await withKey(ctx.seller, proposePath, proposeKey, body);
    expect([first.status, replay.status, replay.headers['idempotent-replayed']]).toEqual([201, 201, 'true']);
    expect(replay.body).toEqual(first.body);
    const acceptPath = `/v1/transactions/${tx.id}/meetup/accept`;
    const accepted = await withKey(ctx.buyer, acceptPath, acceptKey, {});
    const again = await withKey(ctx.buyer, acceptPath, acceptKey, {});
    expect([accepted.status, again.status, again.headers['idempotent-replayed']]).toEqual([200, 200, 'true']);
    expect(again.body).toEqual(accepted.body);
    expect((await meetupRows(ctx.env, tx.id)).map((r) => r.status)).toEqual(['accepted']);
    expect(await timeline(ctx.env, tx.id, 'meetup_proposed')).toHaveLength(1);
    expect(await timeline(ctx.env, tx.id, 'meetup_accepted')).toHaveLength(1);
  });
});
