import { randomUUID } from 'node:crypto';
import type { Job, Queue } from 'bullmq';
import { sql } from 'kysely';
import { enqueue, MalformedJobError } from '../../src/shared/jobs';
import { OutboxRelay } from '../../workers/outbox-relay';
import { startWorkers, type RunningWorkers } from '../../workers/workers';
import { createTestEnv, type TestEnv } from '../support/harness';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

/** Waits until the job reaches a final state, then returns it fresh from Redis. */
async function settled(queue: Queue, job: Job, timeoutMs = 15_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') return (await queue.getJob(job.id!))!;
    if (Date.now() > deadline) throw new Error(`job ${job.id} still ${state} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('payloads checked at the worker boundary (real queue, real worker)', () => {
  let running: RunningWorkers;
  beforeAll(async () => {
    running = await startWorkers(env.deps);
  });
  afterAll(() => running.stop());

  // Before the catalogue, the first was parsed inside its handler (a ZodError, retried 8 times) and
  // the second cast `job.data` and failed deeper down, also with retries.
  it.each([
    ['escrow', 'escrow.payment_reminder', { transactionId: 'not-a-uuid' }, 'transactionId'],
    ['auctions', 'auction.close', { listing: 'typo' }, 'listingId'],
  ] as const)('fails a malformed %s job (%s) once, visibly, and never retries it', async (queue, name, data, field) => {
    const logged = jest.spyOn(env.deps.logger, 'error');
    // Added behind the catalogue's back, as a buggy or stale producer would, with room for retries.
    const added = await env.deps.queues[queue].add(name, data, { attempts: 5, backoff: { type: 'fixed', delay: 50 } });
    const done = await settled(env.deps.queues[queue], added);
    expect(await done.getState()).toBe('failed');
    expect(done.attemptsMade).toBe(1);
    expect(done.failedReason).toMatch(new RegExp(`^malformed ${name.replace('.', '\\.')} payload: ${field}: `));
    await new Promise((resolve) => setTimeout(resolve, 400));
    const later = (await env.deps.queues[queue].getJob(added.id!))!;
    expect([await later.getState(), later.attemptsMade]).toEqual(['failed', 1]);
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({ queue, job: name, jobId: added.id, issues: [expect.objectContaining({ path: [field] })] }),
      expect.stringContaining('malformed job payload'),
    );
    logged.mockRestore();
  });

  it('processes a valid job of the same kind', async () => {
    const added = await enqueue(env.deps.queues, 'escrow.payment_reminder', { transactionId: randomUUID() });
    const done = await settled(env.deps.queues.escrow, added);
    expect(await done.getState()).toBe('completed');
    expect(done.returnvalue).toBe('not_pending');
    expect(done.attemptsMade).toBe(1);
  });

  it('refuses to enqueue a malformed payload at the producer', async () => {
    // @ts-expect-error a number is not a transaction id: the catalogue's types refuse it too
    await expect(enqueue(env.deps.queues, 'dispute.escalate', { transactionId: 42 })).rejects.toBeInstanceOf(MalformedJobError);
  });
});

describe('outbox relay against the catalogue', () => {
  const row = (payload: Record<string, unknown>) => ({ topic: String(payload.kind), payload: JSON.stringify(payload) });

  it('marks malformed rows failed with the reason, publishes the valid ones around them, and skips them afterwards', async () => {
    const good = randomUUID();
    const ids = await env.deps.db
      .insertInto('outbox')
      .values([
        row({ kind: 'job', queue: 'escrow', name: 'escrow.release', data: { transactionId: randomUUID(), reason: 'because' } }),
        row({ kind: 'job', queue: 'disputes', name: 'dispute.escalate', data: { transactionId: good }, jobId: `relay-${good}` }),
        row({ kind: 'job', queue: 'escrow', name: 'escrow.vanish', data: {} }),
        row({ kind: 'event', rooms: [], event: 'transaction_update', data: {} }),
      ])
      .returning('id')
      .execute();
    const relay = new OutboxRelay(env.deps);
    await relay.kick();
    const rows = await env.deps.db
      .selectFrom('outbox')
      .select(['id', 'publishedAt', 'failedAt', 'error'])
      .where('id', 'in', ids.map((r) => r.id))
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.publishedAt !== null, r.failedAt !== null])).toEqual([
      [false, true],
      [true, false],
      [false, true],
      [false, true],
    ]);
    expect(rows[0]!.error).toMatch(/malformed escrow\.release payload/);
    expect(rows[0]!.error).toMatch(/reason/);
    expect(rows[2]!.error).toBe('unknown job escrow.vanish');
    expect(rows[3]!.error).toMatch(/rooms/);
    const job = await env.deps.queues.disputes.getJob(`relay-${good}`);
    expect(job?.data).toEqual({ transactionId: good });

    // A later pass leaves the failed rows alone: nothing is re-published or re-marked.
    await env.deps.db.updateTable('outbox').set({ error: 'seen' }).where('id', 'in', [rows[0]!.id]).execute();
    await relay.kick();
    const again = await env.deps.db.selectFrom('outbox').select(['error', 'publishedAt']).where('id', '=', rows[0]!.id).executeTakeFirstOrThrow();
    expect(again).toEqual({ error: 'seen', publishedAt: null });
    const pending = await env.deps.db
      .selectFrom('outbox')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('publishedAt', 'is', null)
      .where('failedAt', 'is', null)
      .executeTakeFirstOrThrow();
    expect(pending.n).toBe(0);
    await relay.stop();
  });
});
