import type { Job } from 'bullmq';
import { startRealtime, type RealtimeServer } from '../../realtime/io';
import { sendMeetupReminder } from '../../src/modules/meetups';
import type { JobPayload } from '../../src/shared/jobs';
import type { RunningWorkers } from '../../workers/workers';
import { closeAllClients, okData, openClient } from '../realtime/realtime-support';
import { createTransaction, outboxJobs } from '../escrow-handover/support';
import { eventually, withWorkers } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { arranged, inMinutes, propose, zoneAt } from './support';

let env: TestEnv;
let workers: RunningWorkers;
let rt: RealtimeServer;
let buyer: TestUser;
let seller: TestUser;

beforeAll(async () => {
  env = await createTestEnv();
  [rt, workers] = await Promise.all([startRealtime(await env.sibling(), 0), withWorkers(await env.sibling())]);
  [buyer, seller] = await Promise.all([createUser(env.deps), createUser(env.deps)]);
  await env.deps.db
    .insertInto('devices')
    .values([
      { token: `push-${buyer.id}`, userId: buyer.id, platform: 'ios' },
      { token: `push-${seller.id}`, userId: seller.id, platform: 'android' },
    ])
    .execute();
});
afterAll(async () => {
  closeAllClients();
  await rt.stop();
  await workers.stop();
  await env.close();
});

const funded = () => createTransaction(env.deps, { buyerId: buyer.id, sellerId: seller.id });
/** Just over two hours ahead: the 2-hour reminder falls due `ms` from now, in real time. */
const twoHoursAnd = (ms: number) => new Date(Date.now() + 2 * 3600_000 + ms);
const reminderRows = (txId: string) =>
  env.deps.db
    .selectFrom('notifications')
    .selectAll()
    .where('type', '=', 'meetup_reminder')
    .where(({ eb, ref }) => eb(ref('data', '->>').key('transactionId' as never), '=', txId))
    .orderBy('createdAt')
    .execute();
const remindersFor = async (txId: string) => (await outboxJobs(env.deps, 'meetup.remind', txId)).map((j) => j.data as JobPayload<'meetup.remind'>);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** What the worker's meetup.remind job answered (once it has run). */
const outcomeOf = (meetupId: string, kind: string, startsAt: Date) =>
  eventually(async () => {
    const job = await env.deps.queues.notifications.getJob(`meetup-remind-${meetupId}-${kind}-${startsAt.getTime()}`);
    return job?.finishedOn ? (job.returnvalue as string) : undefined;
  });

describe('meetup reminders (real outbox relay, BullMQ and notification workers)', () => {
  it('reminds both parties (in-app and push) when an accepted meetup is near', async () => {
    const tx = await funded();
    const meetupId = await arranged(env, tx, seller, buyer, await zoneAt(env), twoHoursAnd(2500));
    const rows = await eventually(async () => {
      const r = await reminderRows(tx.id);
      return r.length === 2 && r;
    });
    expect(rows.map((r) => r.userId).sort()).toEqual([buyer.id, seller.id].sort());
    expect(rows[0]).toMatchObject({ title: 'Meetup reminder', data: { meetupId, kind: '2h' } });
    expect(rows[0].body).toMatch(/in 2 hours at Zone/);
    await eventually(async () => env.push.sent.filter((m) => m.data.meetupId === meetupId).length === 2);
  });

  it('moves with the meetup: the old reminder does nothing, the new one fires', async () => {
    const tx = await funded();
    const zoneId = await zoneAt(env);
    const firstAt = twoHoursAnd(2500);
    const secondAt = twoHoursAnd(4000);
    const first = await arranged(env, tx, seller, buyer, zoneId, firstAt);
    const second = await arranged(env, tx, buyer, seller, zoneId, secondAt);
    const rows = await eventually(async () => {
      const r = await reminderRows(tx.id);
      return r.length >= 2 && r;
    });
    expect(await outcomeOf(first, '2h', firstAt)).toBe('stale');
    expect(await outcomeOf(second, '2h', secondAt)).toBe('reminded');
    const after = await reminderRows(tx.id);
    expect(after).toHaveLength(2);
    expect(rows.every((r) => (r.data as { meetupId: string }).meetupId === second)).toBe(true);
    expect(after.some((r) => (r.data as { meetupId: string }).meetupId === first)).toBe(false);
  });

  it('sends nothing once the goods were handed over (QR verified)', async () => {
    const tx = await funded();
    const startsAt = twoHoursAnd(2500);
    const meetupId = await arranged(env, tx, seller, buyer, await zoneAt(env), startsAt);
    const { body } = await env.http.get(`/v1/transactions/${tx.id}/qr`).set(buyer.auth);
    expect((await env.http.post(`/v1/transactions/${tx.id}/verify`).set(seller.auth).send({ token: body.token })).status).toBe(200);
    const due = await remindersFor(tx.id);
    expect(due.map((j) => j.kind)).toEqual(['2h', '15m']);
    expect(await outcomeOf(meetupId, '2h', startsAt)).toBe('not_needed');
    await sleep(500);
    expect(await reminderRows(tx.id)).toHaveLength(0);
  });
});

describe('the meetup.remind handler (either lead time, whenever it runs)', () => {
  const run = (payload: JobPayload<'meetup.remind'>) => sendMeetupReminder(env.deps, payload);
  const notifyJob = (meetupId: string, startsAt: Date, kind: string, userId: string) =>
    env.deps.queues.notifications.getJob(`notify-meetup-reminder-${meetupId}-${startsAt.getTime()}-${kind}-${userId}`) as Promise<Job | undefined>;

  it('reminds for the current accepted meetup only, once per party and lead (retries dedupe)', async () => {
    const tx = await funded();
    const zoneId = await zoneAt(env);
    const oldAt = inMinutes(600);
    const newAt = inMinutes(900);
    await arranged(env, tx, seller, buyer, zoneId, oldAt);
    const [oldTwoHours, oldFifteen] = await remindersFor(tx.id);
    const newId = await arranged(env, tx, buyer, seller, zoneId, newAt);
    const [, , , newFifteen] = await remindersFor(tx.id);
    expect(newFifteen).toMatchObject({ meetupId: newId, kind: '15m', startsAt: newAt.toISOString() });

    expect(await run(oldTwoHours)).toBe('stale');
    expect(await run(oldFifteen)).toBe('stale');
    expect(await run(newFifteen)).toBe('reminded');
    expect(await run(newFifteen)).toBe('reminded');
    for (const userId of [buyer.id, seller.id]) {
      const job = await notifyJob(newId, newAt, '15m', userId);
      expect(job?.data).toMatchObject({ userId, type: 'meetup_reminder', data: { transactionId: tx.id, meetupId: newId, kind: '15m' } });
      expect(await notifyJob(oldFifteen.meetupId, oldAt, '15m', userId)).toBeUndefined();
    }
    const rows = await eventually(async () => {
      const r = await reminderRows(tx.id);
      return r.length === 2 && r;
    });
    expect(rows.map((r) => r.body)).toEqual([expect.stringMatching(/in 15 minutes/), expect.stringMatching(/in 15 minutes/)]);
  });

  it('sends nothing when it runs late: after the meetup began, or a 2-hour reminder once the 15-minute one is due', async () => {
    const tx = await funded();
    const at = inMinutes(600);
    const meetupId = await arranged(env, tx, seller, buyer, await zoneAt(env), at);
    const [twoHours, fifteen] = await remindersFor(tx.id);
    // Workers down for a while (a deploy, an outage): the delayed jobs all run when they come back.
    const runAt = (ms: number) => sendMeetupReminder({ ...env.deps, clock: { now: () => new Date(at.getTime() + ms) } }, twoHours);
    const runFifteenAt = (ms: number) => sendMeetupReminder({ ...env.deps, clock: { now: () => new Date(at.getTime() + ms) } }, fifteen);
    expect(await runAt(60_000)).toBe('late');
    expect(await runFifteenAt(60_000)).toBe('late');
    expect(await runFifteenAt(0)).toBe('late');
    expect(await runAt(-10 * 60_000)).toBe('late');
    for (const userId of [buyer.id, seller.id]) {
      expect(await notifyJob(meetupId, at, '2h', userId)).toBeUndefined();
      expect(await notifyJob(meetupId, at, '15m', userId)).toBeUndefined();
    }
    // On time (or a little behind) they still go out.
    expect(await runFifteenAt(-10 * 60_000)).toBe('reminded');
    expect(await notifyJob(meetupId, at, '15m', buyer.id)).toBeDefined();
  });

  it('does nothing for a reminder of a meetup whose time differs, or a transaction no longer waiting for the handover', async () => {
    const tx = await funded();
    const at = inMinutes(600);
    await arranged(env, tx, seller, buyer, await zoneAt(env), at);
    const [twoHours] = await remindersFor(tx.id);
    expect(await run({ ...twoHours, startsAt: inMinutes(601).toISOString() })).toBe('stale');
    for (const change of [{ verifiedAt: new Date() }, { status: 'cancelled' as const }, { status: 'refunded' as const }]) {
      await env.deps.db.updateTable('transactions').set({ status: 'in_escrow', verifiedAt: null }).where('id', '=', tx.id).execute();
      await env.deps.db.updateTable('transactions').set(change).where('id', '=', tx.id).execute();
      expect(await run(twoHours)).toBe('not_needed');
    }
    expect(await notifyJob(twoHours.meetupId, at, '2h', buyer.id)).toBeUndefined();
  });
});

describe('meetup_updated on the transaction room', () => {
  it("reaches a party's socket in the room on proposal and acceptance, and no one outside it", async () => {
    const tx = await funded();
    const b = await openClient(rt.port, buyer.accessToken);
    expect(okData(await b.ack('join_chat', { transactionId: tx.id }))).toEqual({ transactionId: tx.id });
    const s = await openClient(rt.port, seller.accessToken); // connected, but not in the room
    const zoneId = await zoneAt(env);
    const startsAt = inMinutes(500);
    const res = await propose(env, seller, tx.id, { safeZoneId: zoneId, startsAt: startsAt.toISOString() });
    expect(res.status).toBe(201);
    const [heard] = await b.waitFor('meetup_updated');
    expect(heard).toEqual({ transactionId: tx.id, meetup: res.body });
    expect((await env.http.post(`/v1/transactions/${tx.id}/meetup/accept`).set(buyer.auth)).status).toBe(200);
    const both = await b.waitFor('meetup_updated', 2);
    expect(both[1]).toMatchObject({ transactionId: tx.id, meetup: { id: res.body.id, status: 'accepted', safeZone: { id: zoneId } } });
    expect(s.events('meetup_updated')).toHaveLength(0);
  });
});
