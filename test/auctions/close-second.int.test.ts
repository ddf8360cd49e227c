/**
 * One close job per second of ends: every listing ending within the second is closed by it, each no
 * earlier than its own end — also one that joins the second after the job began — and one whose end
 * moved out of the second is left to its new second. Listings ending together queue one job.
 */
import { sql } from 'kysely';
import type { Listing } from '../../db/schema';
import { CLOSE_LEAD_MS, closeJob } from '../../src/modules/auctions/auction-jobs';
import { closeSecond } from '../../src/modules/auctions/close-auction';
import { writeOutbox } from '../../src/shared/outbox';
import type { RunningWorkers } from '../../workers/workers';
import { createActiveListing, eventually, withWorkers } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv } from '../support/harness';

let env: TestEnv;
let sellerId: string;
beforeAll(async () => {
  env = await createTestEnv();
  sellerId = (await createUser(env.deps)).id;
});
afterAll(() => env.close());

/** A second far enough ahead for the test to set up before its job is due. */
const secondFromNow = (ms: number) => Math.ceil((Date.now() + ms) / 1000);
const endingAt = (second: number, offsetMs: number, title: string) =>
  createActiveListing(env.deps, sellerId, { endsAt: new Date(second * 1000 + offsetMs), title }) as Promise<Listing>;
const rowsOf = (ids: string[]) =>
  env.deps.db
    .selectFrom('listings')
    .select(['id', 'status', 'endsAt', 'endedAt'])
    .where('id', 'in', ids)
    .execute();

describe('the close job of a second', () => {
  let workers: RunningWorkers;
  beforeAll(async () => {
    workers = await withWorkers(await env.sibling());
  });
  afterAll(() => workers.stop());

  it('is queued once for listings ending in the same second and closes each at its own end', async () => {
    const second = secondFromNow(2000);
    const listings = await Promise.all([50, 500, 950].map((ms) => endingAt(second, ms, `Lot at +${ms} ms`)));
    const before = await env.deps.db.selectFrom('outbox').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow();
    await env.deps.db.transaction().execute((trx) => writeOutbox(trx, listings.map((l) => closeJob(l.endsAt!))));
    const after = await env.deps.db.selectFrom('outbox').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n) - Number(before.n)).toBe(1);

    const job = closeJob(listings[0].endsAt!);
    expect(job).toMatchObject({ name: 'auction.close_second', data: { second }, runAt: second * 1000 - CLOSE_LEAD_MS });
    const done = await eventually(async () => {
      const queued = await env.deps.queues.auctions.getJob(job.jobId!);
      return queued?.finishedOn ? queued : undefined;
    }, 10_000);
    expect(done.returnvalue).toEqual({ closed: 3, skipped: 0 });
    for (const row of await rowsOf(listings.map((l) => l.id))) {
      expect(row.status).toBe('ended_unsold');
      expect(row.endedAt!.getTime()).toBeGreaterThanOrEqual(row.endsAt!.getTime());
    }
  });
});

describe('closeSecond', () => {
  it('also closes a listing that joins the second after it began, and leaves one moved out of it', async () => {
    const second = secondFromNow(1500);
    const [early, moved] = await Promise.all([endingAt(second, 100, 'Early'), endingAt(second, 200, 'Moved')]);
    await new Promise((r) => setTimeout(r, second * 1000 - CLOSE_LEAD_MS - Date.now()));
    const running = closeSecond(env.deps, second);
    // After the job's first read: one listing is extended out of the second, another joins it late.
    await new Promise((r) => setTimeout(r, 50));
    await env.deps.db.updateTable('listings').set({ endsAt: new Date(second * 1000 + 120_000) }).where('id', '=', moved.id).execute();
    const late = await endingAt(second, 800, 'Late');

    expect(await running).toEqual({ closed: 2, skipped: 1 });
    const rows = new Map((await rowsOf([early.id, moved.id, late.id])).map((r) => [r.id, r]));
    expect(rows.get(early.id)!.status).toBe('ended_unsold');
    expect(rows.get(late.id)!.status).toBe('ended_unsold');
    expect(rows.get(late.id)!.endedAt!.getTime()).toBeGreaterThanOrEqual(rows.get(late.id)!.endsAt!.getTime());
    expect(rows.get(moved.id)!.status).toBe('active');
  });

  it('is idempotent: run again, it finds nothing left to close', async () => {
    const second = secondFromNow(1000);
    const listing = await endingAt(second, 0, 'Once');
    expect(await closeSecond(env.deps, second)).toEqual({ closed: 1, skipped: 0 });
    expect(await closeSecond(env.deps, second)).toEqual({ closed: 0, skipped: 0 });
    expect((await rowsOf([listing.id]))[0].status).toBe('ended_unsold');
  });
});
