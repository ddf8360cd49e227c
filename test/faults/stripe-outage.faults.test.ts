import { sql } from 'kysely';
import { startCluster, type FaultCluster } from './support/cluster';
import { expectInvariants } from './support/invariants';
import { escrowJobCounts, figures, fundedSale, people, refundByDispute, verify, type People } from './support/scenario';

// Stripe answers 500, 429 or nothing at all to every payout, refund and reversal for five minutes of
// fake time (BullMQ's delays run on the fake clock: see support/fake-time.ts), then recovers. Nobody
// touches anything: the payout, the refund and the partial refund must all reach Stripe once.
let c: FaultCluster;
let p: People;

beforeAll(async () => {
  c = await startCluster({ workers: 1 });
  p = await people(c, 3);
}, 150_000);
afterAll(() => c?.close(), 30_000);

const FIVE_MINUTES = 5 * 60_000;

/**
 * Fake time for the rows too: the escrow sweep re-drives a release verified more than 2 minutes ago by
 * PostgreSQL's now(); moving `verified_at` back by each step makes that grace elapse on the fake clock.
 */
const ageRows = (ms: number) =>
  c.deps.db
    .updateTable('transactions')
    .set({ verifiedAt: sql<Date>`verified_at - make_interval(secs => ${ms / 1000})` })
    .where('verifiedAt', 'is not', null)
    .execute();

it('[needs money] payouts and refunds decided during a 5-minute Stripe outage reach Stripe once it is back', async () => {
  const released = await fundedSale(c, p, 0);
  const refunded = await fundedSale(c, p, 1);
  const partly = await fundedSale(c, p, 2);
  const expected = { [released]: 'released', [refunded]: 'refunded', [partly]: 'partially_refunded' } as const;

  c.standIn.outage.start({ pathPrefixes: ['/v1/transfers', '/v1/refunds'], methods: ['POST'], hangMs: 500 });
  await verify(c, released);
  await refundByDispute(c, refunded, 10_000);
  await refundByDispute(c, partly, 2_500);
  const outageReal = Date.now();
  await c.time.run(FIVE_MINUTES, { stepMs: 5_000, realPauseMs: 150, onAdvance: ageRows });
  const outageRealMs = Date.now() - outageReal;
  c.standIn.outage.stop();
  const failed = c.standIn.outage.failed();

  // Recovery: let fake time run on (up to an hour; "retried for days" is the money jobs' promise,
  // an hour of fake time is 60 rounds of promotions) until every effect landed.
  const recovered = Date.now();
  const done = async () => {
    const rows = await c.deps.db.selectFrom('transactions').select(['id', 'status']).where('id', 'in', Object.keys(expected)).execute();
    return rows.every((r) => r.status === expected[r.id]);
  };
  const fakeToConverge = await c.time.run(60 * 60_000, { stepMs: 60_000, realPauseMs: 200, done, onAdvance: ageRows });
  await new Promise((r) => setTimeout(r, 500));
  const jobs = await escrowJobCounts(c);
  await expectInvariants(c, { expected: { ...expected } }, (report) =>
    figures('stripe outage 5 min (payout, refund, partial refund)', report, {
      escrowJobs: jobs,
      failedRequests: failed,
      outageRealMs,
      promotedJobs: c.time.promoted,
      fakeMsToConvergeAfterRecovery: fakeToConverge,
      realMsToConvergeAfterRecovery: Date.now() - recovered,
    }),
  );
}, 170_000);
