/**
 * The overdue sweep re-queues a close only for a listing whose own close job is gone: one still
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

it('leaves an overdue listing to its queued close job, and re-queues one whose job is gone', async () => {
  const seller = await createUser(env.deps);
  const queued = await createActiveListing(env.deps, seller.id, { startsAt: new Date(Date.now() - 3_600_000), endsInMs: -1000, title: 'Queued' });
  const lost = await createActiveListing(env.deps, seller.id, { startsAt: new Date(Date.now() - 3_600_000), endsInMs: -1000, title: 'Lost' });
  // The first listing's own close job is still waiting (no worker runs in this file).
  const own = closeJob(queued.id, queued.endsAt!);
  await env.deps.queues.auctions.add(own.name, own.data, { jobId: own.jobId });

  const result = await sweep(env.deps, {} as never, {} as Job);

  expect(result).toMatchObject({ due: 2, requeued: 1 });
  const closes = await env.deps.queues.auctions.getJobs(['waiting', 'delayed']);
  const byListing = (id: string) => closes.filter((j) => j.name === 'auction.close' && j.data.listingId === id).map((j) => j.id);
  expect(byListing(queued.id)).toEqual([own.jobId]);
  expect(byListing(lost.id)).toEqual([expect.stringContaining('sweep')]);
});
