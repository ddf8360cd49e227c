import type { Job } from 'bullmq';
import { sql } from 'kysely';
import { AppError } from '../../src/shared/errors';
import { JOBS, SCHEDULES } from '../../src/shared/jobs';
import { handlers as defaultHandlers } from '../../workers/handlers';
import { assertRegistryComplete, RegistryGapError, type HandlerMap, type JobHandler } from '../../workers/registry';
import { restoreLostSchedules, upsertSchedules } from '../../workers/schedules';
import { startWorkers, type RunningWorkers } from '../../workers/workers';
import { createTestEnv, newPhone, type TestEnv } from '../support/harness';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

/**
 * The default handlers with `maintenance.cleanup` replaced for jobs marked `{ probe: true }`; the
 * scheduled cleanup that startWorkers upserts still gets the real handler.
 */
const withCleanup = (probe: JobHandler<'maintenance.cleanup'>): HandlerMap => ({
  ...defaultHandlers,
  maintenance: {
    ...defaultHandlers.maintenance,
    'maintenance.cleanup': (deps, payload, job) =>
      job.data?.probe ? probe(deps, payload, job) : defaultHandlers.maintenance['maintenance.cleanup'](deps, payload, job),
  },
});

/** Waits until the job reaches a final state, then returns it fresh from Redis. */
async function settled(job: Job, timeoutMs = 15_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') return (await env.deps.queues.maintenance.getJob(job.id!))!;
    if (Date.now() > deadline) throw new Error(`job ${job.id} still ${state} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('worker registry', () => {
  it('names the missing queue/job when a handler is missing', () => {
    let error: unknown;
    try {
      const { 'maintenance.cleanup': _cleanup, ...rest } = defaultHandlers.maintenance;
      assertRegistryComplete({ ...defaultHandlers, maintenance: rest });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RegistryGapError);
    expect((error as RegistryGapError).missing).toEqual(['maintenance/maintenance.cleanup']);
    expect((error as Error).message).toContain('maintenance/maintenance.cleanup');
  });

  it('lists every gap at once, including a queue that has no entry at all', () => {
    const { maintenance: _maintenance, ...noMaintenance } = defaultHandlers;
    const notAFunction = { ...noMaintenance, bids: { 'bid.drain': 'oops' } } as unknown as Record<string, Record<string, JobHandler>>;
    expect(() => assertRegistryComplete(notAFunction)).toThrow(
      expect.objectContaining({ missing: expect.arrayContaining(['bids/bid.drain', 'maintenance/maintenance.cleanup']) }),
    );
  });

  it('accepts the shipped handlers: every declared job has one', () => {
    expect(() => assertRegistryComplete(defaultHandlers)).not.toThrow();
    const declared = Object.entries(JOBS).flatMap(([queue, names]) => names.map((name) => `${queue}/${name}`));
    const handled = Object.entries(defaultHandlers).flatMap(([queue, byName]) => Object.keys(byName).map((name) => `${queue}/${name}`));
    expect(handled.sort()).toEqual(declared.sort());
  });

  it('refuses to start workers with a gap, before opening any queue worker', async () => {
    const gap = { ...defaultHandlers, maintenance: {} };
    await expect(startWorkers(env.deps, gap)).rejects.toThrow(RegistryGapError);
    expect(await env.deps.queues.maintenance.getWorkersCount()).toBe(0);
  });
});

describe('running workers', () => {
  let running: RunningWorkers | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it('processes a maintenance.cleanup job with a real BullMQ worker: expired codes are purged', async () => {
    const phone = newPhone();
    await env.deps.db
      .insertInto('phoneOtps')
      .values([
        { phoneNumber: phone, codeHash: 'old', expiresAt: sql<Date>`now() - interval '2 days'` },
        { phoneNumber: phone, codeHash: 'live', expiresAt: sql<Date>`now() + interval '5 minutes'` },
      ])
      .execute();
    running = await startWorkers(env.deps);
    const job = await env.deps.queues.maintenance.add('maintenance.cleanup', {});
    const done = await settled(job);
    expect(done.finishedOn).toBeDefined();
    expect(await done.getState()).toBe('completed');
    expect(done.returnvalue).toEqual(expect.objectContaining({ otps: expect.any(Number) }));
    const left = await env.deps.db.selectFrom('phoneOtps').select('codeHash').where('phoneNumber', '=', phone).execute();
    expect(left).toEqual([{ codeHash: 'live' }]);
  });

  it('retries a job that failed for a transient reason', async () => {
    let calls = 0;
    running = await startWorkers(
      env.deps,
      withCleanup(async () => {
        calls += 1;
        if (calls === 1) throw new Error('database restarting');
        return { ok: true };
      }),
    );
    const done = await settled(
      await env.deps.queues.maintenance.add('maintenance.cleanup', { probe: true }, { backoff: { type: 'fixed', delay: 100 } }),
    );
    expect(await done.getState()).toBe('completed');
    expect(done.attemptsMade).toBe(2);
  });

  it('does not retry a job refused by a domain rule (AppError)', async () => {
    let calls = 0;
    running = await startWorkers(
      env.deps,
      withCleanup(async () => {
        calls += 1;
        throw new AppError('conflict', 'auction_ended', 'The auction has already ended.');
      }),
    );
    const done = await settled(
      await env.deps.queues.maintenance.add('maintenance.cleanup', { probe: true }, { backoff: { type: 'fixed', delay: 100 } }),
    );
    expect(await done.getState()).toBe('failed');
    expect(done.failedReason).toMatch(/auction_ended/);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(calls).toBe(1);
  });
});

describe('job schedulers lost from Redis', () => {
  it('re-creates a missing scheduler (a FLUSHALL took it) and leaves the others as they were', async () => {
    await upsertSchedules(env.deps);
    const escrow = SCHEDULES.find((s) => s.name === 'escrow.sweep')!;
    const auction = SCHEDULES.find((s) => s.name === 'auction.sweep')!;
    const auctionBefore = await env.deps.queues[auction.queue].getJobScheduler(auction.schedulerId);
    await env.deps.queues[escrow.queue].removeJobScheduler(escrow.schedulerId);
    expect(await env.deps.queues[escrow.queue].getJobScheduler(escrow.schedulerId)).toBeUndefined();

    expect(await restoreLostSchedules(env.deps)).toEqual([escrow.schedulerId]);
    expect(await env.deps.queues[escrow.queue].getJobScheduler(escrow.schedulerId)).toMatchObject({ every: escrow.ms, name: 'escrow.sweep' });
    // A scheduler that was there keeps its next run (re-upserting it could postpone a sweep forever).
    expect((await env.deps.queues[auction.queue].getJobScheduler(auction.schedulerId))?.next).toBe(auctionBefore?.next);
    expect(await restoreLostSchedules(env.deps)).toEqual([]);
  });

  it('running workers notice on their own', async () => {
    const dispute = SCHEDULES.find((s) => s.name === 'dispute.sweep')!;
    const running = await startWorkers({ ...env.deps, config: { ...env.deps.config, timing: { ...env.deps.config.timing, scheduleCheckMs: 200 } } });
    try {
      await env.deps.queues[dispute.queue].removeJobScheduler(dispute.schedulerId);
      const deadline = Date.now() + 5_000;
      while (!(await env.deps.queues[dispute.queue].getJobScheduler(dispute.schedulerId))) {
        if (Date.now() > deadline) throw new Error('dispute sweep scheduler not re-created within 5 s');
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await running.stop();
    }
  });
});
