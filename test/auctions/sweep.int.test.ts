/**
 * The overdue sweep re-queues a close only for a listing whose second's close job is gone: one still
 * queued (or running) will close it, and a duplicate would only add work to a late burst of closes.
 */
import type { Job } from 'bullmq';
import { closeJob } from '../../src/modules/auctions/auction-jobs';
import { sweep } from '../../workers/handlers/auctions';
import { createActiveListing } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv } from '../support/harness';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

it("leaves an overdue listing to its second's queued close job, and re-queues one whose job is gone", async () => {
  const seller = await createUser(env.deps);
  const startsAt = new Date(Date.now() - 3_600_000);
  const queued = await createActiveListing(env.deps, seller.id, { startsAt, endsInMs: -5000, title: 'Queued' });
  const sameSecond = await createActiveListing(env.deps, seller.id, { startsAt, endsAt: queued.endsAt!, title: 'Same second' });
  const lost = await createActiveListing(env.deps, seller.id, { startsAt, endsInMs: -2000, title: 'Lost' });
  // The first listings' second still has its close job waiting (no worker runs in this file).
  const own = closeJob(queued.endsAt!);
  await env.deps.queues.auctions.add(own.name, own.data, { jobId: own.jobId });

  const result = await sweep(env.deps, {} as never, {} as Job);

  expect(result).toMatchObject({ due: 3, requeued: 1 });
  const jobs = await env.deps.queues.auctions.getJobs(['waiting', 'delayed']);
  expect(jobs.filter((j) => j.name === 'auction.close_second').map((j) => j.id)).toEqual([own.jobId]);
  const byListing = (id: string) => jobs.filter((j) => j.name === 'auction.close' && j.data.listingId === id).map((j) => j.id);
  expect(byListing(queued.id)).toEqual([]);
  expect(byListing(sameSecond.id)).toEqual([]);
  expect(byListing(lost.id)).toEqual([expect.stringContaining('sweep')]);
});
