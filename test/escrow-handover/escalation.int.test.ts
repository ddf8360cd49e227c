import { writeOutbox } from '../../src/shared/outbox';
import { escalateTransaction, sweepOverdueEscrows } from '../../src/modules/disputes';
import { escalationJob } from '../../src/shared/jobs/money-jobs';
import type { RunningWorkers } from '../../workers/workers';
import { eventually, withWorkers } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { createTransaction } from './support';

const ESCALATION_SEC = 3600;
let env: TestEnv;
let buyer: TestUser;
let seller: TestUser;

beforeAll(async () => {
  env = await createTestEnv({ DISPUTE_ESCALATION_SEC: String(ESCALATION_SEC) });
  [buyer, seller] = await Promise.all([createUser(env.deps), createUser(env.deps)]);
});
afterAll(async () => {
  await env.close();
});

const ago = (sec: number) => new Date(Date.now() - sec * 1000);
const escrowSince = (paidAt: Date, over: { verified?: boolean; status?: 'in_escrow' | 'released' } = {}) =>
  createTransaction(env.deps, { buyerId: buyer.id, sellerId: seller.id, paidAt, ...over });
const disputesOf = (txId: string) => env.deps.db.selectFrom('disputes').selectAll().where('transactionId', '=', txId).execute();

describe('auto-escalation of unverified escrows (DISPUTE_ESCALATION_SEC)', () => {
  it('opens exactly one dispute for an overdue transaction, however many times the job and the sweep run', async () => {
    const overdue = await escrowSince(ago(ESCALATION_SEC + 60));
    const outcomes = await Promise.all([
      escalateTransaction(env.deps, overdue.id),
      escalateTransaction(env.deps, overdue.id),
      sweepOverdueEscrows(env.deps),
      escalateTransaction(env.deps, overdue.id),
    ]);
    const direct = [outcomes[0], outcomes[1], outcomes[3]] as string[];
    const bySweep = (outcomes[2] as { opened: number }).opened;
    expect(direct.filter((o) => o === 'opened').length + bySweep).toBe(1);
    const rows = await disputesOf(overdue.id);
    expect(rows).toEqual([
      expect.objectContaining({ source: 'escalation', openedBy: null, reason: 'not_verified_in_time', status: 'open' }),
    ]);
    const tx = await env.deps.db.selectFrom('transactions').select('status').where('id', '=', overdue.id).executeTakeFirstOrThrow();
    expect(tx.status).toBe('disputed');
    expect(await escalateTransaction(env.deps, overdue.id)).toBe('not_in_escrow');
    const events = await env.deps.db
      .selectFrom('transactionEvents')
      .select(['type', 'actorId', 'data'])
      .where('transactionId', '=', overdue.id)
      .execute();
    expect(events).toEqual([
      expect.objectContaining({ type: 'dispute_opened', actorId: null, data: expect.objectContaining({ source: 'escalation' }) }),
    ]);
  });

  it('leaves alone what is not due, verified, or no longer in escrow', async () => {
    const fresh = await escrowSince(ago(ESCALATION_SEC - 60));
    const verified = await escrowSince(ago(ESCALATION_SEC + 60), { verified: true });
    const released = await escrowSince(ago(ESCALATION_SEC + 60), { status: 'released' });
    expect(await escalateTransaction(env.deps, fresh.id)).toBe('not_due');
    expect(await escalateTransaction(env.deps, verified.id)).toBe('verified');
    expect(await escalateTransaction(env.deps, released.id)).toBe('not_in_escrow');
    expect(await escalateTransaction(env.deps, '00000000-0000-4000-8000-000000000000')).toBe('missing');
    await sweepOverdueEscrows(env.deps);
    for (const tx of [fresh, verified, released]) expect(await disputesOf(tx.id)).toHaveLength(0);
  });

  it('schedules the job for escrow start + DISPUTE_ESCALATION_SEC with a stable id', () => {
    const since = new Date('2026-11-22T10:00:00Z');
    const job = escalationJob('6f1c9f3e-2b7a-4d8e-9c1a-0b2c3d4e5f60', since, env.config);
    expect(job).toEqual({
      kind: 'job',
      queue: 'disputes',
      name: 'dispute.escalate',
      data: { transactionId: '6f1c9f3e-2b7a-4d8e-9c1a-0b2c3d4e5f60' },
      jobId: 'escalate-6f1c9f3e-2b7a-4d8e-9c1a-0b2c3d4e5f60',
      runAt: since.getTime() + ESCALATION_SEC * 1000,
    });
  });

  describe('through the real outbox relay and BullMQ worker', () => {
    let workers: RunningWorkers;
    beforeAll(async () => {
      workers = await withWorkers(await env.sibling());
    });
    afterAll(async () => {
      await workers.stop();
    });

    it('runs the delayed job when due, opens the dispute and notifies both parties', async () => {
      const tx = await escrowSince(ago(ESCALATION_SEC + 1));
      await env.deps.db.transaction().execute((trx) => writeOutbox(trx, [escalationJob(tx.id, tx.paidAt!, env.config)]));
      const [dispute] = await eventually(async () => {
        const rows = await disputesOf(tx.id);
        return rows.length ? rows : undefined;
      });
      expect(dispute).toMatchObject({ source: 'escalation' });
      const notes = await eventually(async () => {
        const rows = await env.deps.db
          .selectFrom('notifications')
          .select(['userId', 'type'])
          .where('type', '=', 'dispute_opened')
          .where('dedupeKey', 'like', `dispute-opened-${dispute.id}-%`)
          .execute();
        return rows.length === 2 ? rows : undefined;
      });
      expect(notes.map((n) => n.userId).sort()).toEqual([buyer.id, seller.id].sort());
    });

    it('registers the repeating sweep', async () => {
      const schedulers = await env.deps.queues.disputes.getJobSchedulers();
      expect(schedulers).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'dispute-sweep', name: 'dispute.sweep' })]));
    });
  });
});
