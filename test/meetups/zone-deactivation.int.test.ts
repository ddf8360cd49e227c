import { sendMeetupReminder } from '../../src/modules/meetups';
import { createTransaction, outboxNotifications, useTransactionParties } from '../escrow-handover/support';
import { expectProblem } from '../support/http';
import { createUser, type TestUser } from '../support/harness';
import { accept, arranged, inMinutes, meetupRows, propose, timeline, zoneAt } from './support';

/**
 * A safe zone deactivated by an admin (DELETE, or PATCH active: false) while parties still plan to meet
 * there: both parties are told, in the same database transaction as the deactivation (outbox), and the
 * meetup there can no longer be accepted or reminded of.
 */
const ctx = useTransactionParties();
let admin: TestUser;
beforeAll(async () => {
  admin = await createUser(ctx.env.deps, { role: 'admin' });
});

const funded = (opts: { verified?: boolean } = {}) => createTransaction(ctx.env.deps, { buyerId: ctx.buyer.id, sellerId: ctx.seller.id, ...opts });
const deactivate = (zoneId: string) => ctx.env.http.delete(`/v1/admin/safe-zones/${zoneId}`).set(admin.auth);
const patchZone = (zoneId: string, body: Record<string, unknown>) => ctx.env.http.patch(`/v1/admin/safe-zones/${zoneId}`).set(admin.auth).send(body);
const proposeAt = (txId: string, zoneId: string, startsAt = inMinutes(600)) =>
  propose(ctx.env, ctx.seller, txId, { safeZoneId: zoneId, startsAt: startsAt.toISOString() });

const notices = (txId: string) => outboxNotifications(ctx.env.deps, 'meetup_zone_closed', txId);
const roomEvents = async (txId: string) => {
  const rows = await ctx.env.deps.db.selectFrom('outbox').select('payload').where('topic', '=', 'event').orderBy('id').execute();
  return rows
    .map((r) => r.payload as unknown as { event: string; rooms: string[]; data: { transactionId: string; meetup: Record<string, unknown> } })
    .filter((p) => p.event === 'meetup_updated' && p.data.transactionId === txId);
};

async function expectTold(txId: string, meetupId: string, zoneId: string, status: 'proposed' | 'accepted') {
  const sent = await notices(txId);
  expect(sent.map((n) => n.userId).sort()).toEqual([ctx.buyer.id, ctx.seller.id].sort());
  expect(sent[0]).toMatchObject({ text: { key: 'meetup_zone_closed' }, data: { transactionId: txId, meetupId, safeZoneId: zoneId } });
  const [entry, ...more] = await timeline(ctx.env, txId, 'meetup_zone_closed');
  expect(more).toEqual([]);
  expect(entry).toMatchObject({ actorId: admin.id, data: { meetupId, safeZoneId: zoneId, status } });
  const room = (await roomEvents(txId)).at(-1);
  expect(room).toMatchObject({ rooms: [`transaction:${txId}`], data: { meetup: { id: meetupId, status, safeZone: { id: zoneId, active: false } } } });
}

async function expectNotTold(txId: string) {
  expect(await notices(txId)).toEqual([]);
  expect(await timeline(ctx.env, txId, 'meetup_zone_closed')).toEqual([]);
}

describe('deactivating a safe zone with upcoming meetups', () => {
  it('tells both parties of a proposed and of an accepted meetup there (notification, timeline, room), and no one else', async () => {
    const zoneId = await zoneAt(ctx.env);
    const other = await zoneAt(ctx.env, { lat: 43.66, lng: -79.39 });
    const [proposedTx, acceptedTx, verifiedTx, movedTx, elsewhereTx, pastTx] = await Promise.all([
      funded(),
      funded(),
      funded(),
      funded(),
      funded(),
      funded(),
    ]);
    const proposed = await proposeAt(proposedTx.id, zoneId);
    const acceptedId = await arranged(ctx.env, acceptedTx, ctx.seller, ctx.buyer, zoneId, inMinutes(600));
    // Handed over already: nothing left to arrange there.
    await arranged(ctx.env, verifiedTx, ctx.seller, ctx.buyer, zoneId, inMinutes(600));
    await ctx.env.deps.db.updateTable('transactions').set({ verifiedAt: new Date() }).where('id', '=', verifiedTx.id).execute();
    // Moved elsewhere since: the meetup at the zone is superseded.
    await proposeAt(movedTx.id, zoneId);
    await proposeAt(movedTx.id, other);
    await proposeAt(elsewhereTx.id, other);
    // Its time has gone by: not an upcoming meetup.
    await proposeAt(pastTx.id, zoneId);
    await ctx.env.deps.db.updateTable('meetups').set({ startsAt: inMinutes(-30) }).where('transactionId', '=', pastTx.id).execute();

    const res = await deactivate(zoneId);
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);

    await expectTold(proposedTx.id, proposed.body.id, zoneId, 'proposed');
    await expectTold(acceptedTx.id, acceptedId, zoneId, 'accepted');
    for (const tx of [verifiedTx, movedTx, elsewhereTx, pastTx]) await expectNotTold(tx.id);

    // The transaction shows the meetup with its zone no longer taking meetups.
    const detail = await ctx.env.http.get(`/v1/transactions/${acceptedTx.id}`).set(ctx.buyer.auth);
    expect(detail.body.meetup).toMatchObject({ id: acceptedId, status: 'accepted', safeZone: { id: zoneId, active: false } });

    // Deactivating it again changes nothing and tells no one twice.
    expect((await deactivate(zoneId)).status).toBe(200);
    expect(await notices(proposedTx.id)).toHaveLength(2);
  });

  it('does the same for PATCH active: false, and nothing for a PATCH that keeps the zone active', async () => {
    const zoneId = await zoneAt(ctx.env);
    const tx = await funded();
    const proposed = await proposeAt(tx.id, zoneId);
    expect((await patchZone(zoneId, { phone: '+14165550111' })).status).toBe(200);
    await expectNotTold(tx.id);
    const res = await patchZone(zoneId, { active: false });
    expect(res.status).toBe(200);
    await expectTold(tx.id, proposed.body.id, zoneId, 'proposed');
  });

  it('refuses to accept the proposal at the deactivated zone (422 safe_zone_unavailable); a new proposal elsewhere can be accepted', async () => {
    const zoneId = await zoneAt(ctx.env);
    const tx = await funded();
    await proposeAt(tx.id, zoneId);
    await deactivate(zoneId);
    expectProblem(await accept(ctx.env, ctx.buyer, tx.id), 422, 'safe_zone_unavailable');
    expect((await meetupRows(ctx.env, tx.id)).map((r) => r.status)).toEqual(['proposed']);
    expect(await arranged(ctx.env, tx, ctx.seller, ctx.buyer, await zoneAt(ctx.env, { lat: 43.66, lng: -79.39 }), inMinutes(700))).toEqual(
      expect.any(String),
    );
  });

  it('sends no reminder for an accepted meetup at a zone deactivated since', async () => {
    const zoneId = await zoneAt(ctx.env);
    const tx = await funded();
    const startsAt = inMinutes(600);
    const meetupId = await arranged(ctx.env, tx, ctx.seller, ctx.buyer, zoneId, startsAt);
    await deactivate(zoneId);
    const outcome = await sendMeetupReminder(ctx.env.deps, { meetupId, transactionId: tx.id, kind: '2h', startsAt: startsAt.toISOString() });
    expect(outcome).toBe('not_needed');
  });

  it('never leaves an accepted meetup at a deactivated zone untold when accept and deactivation race', async () => {
    for (let i = 0; i < 5; i += 1) {
      const zoneId = await zoneAt(ctx.env);
      const tx = await funded();
      const proposed = await proposeAt(tx.id, zoneId);
      const [acc] = await Promise.all([accept(ctx.env, ctx.buyer, tx.id), deactivate(zoneId)]);
      if (acc.status === 200) await expectTold(tx.id, proposed.body.id, zoneId, 'accepted');
      else {
        expectProblem(acc, 422, 'safe_zone_unavailable');
        await expectTold(tx.id, proposed.body.id, zoneId, 'proposed');
      }
    }
  });

  it('never leaves a new proposal at a deactivated zone untold when proposing and deactivation race', async () => {
    for (let i = 0; i < 5; i += 1) {
      const zoneId = await zoneAt(ctx.env);
      const tx = await funded();
      const [proposed] = await Promise.all([proposeAt(tx.id, zoneId), deactivate(zoneId)]);
      if (proposed.status === 201) await expectTold(tx.id, proposed.body.id, zoneId, 'proposed');
      else {
        expectProblem(proposed, 422, 'safe_zone_unavailable');
        expect(await meetupRows(ctx.env, tx.id)).toEqual([]);
      }
    }
  });
});
