import { bidsDecided, bidUntil, endingAuction } from './support/bidding';
import { startCluster, type FaultCluster } from './support/cluster';
import { expectInvariants, type BidAnswer } from './support/invariants';
import { figures, people, type People } from './support/scenario';

// PostgreSQL stopped and started again (fast shutdown: open transactions rolled back) in the middle of
// a bid burst over real HTTP. A bid answered 2xx must be committed; a committed bid must survive;
// the api and workers must serve bids again by themselves once the database is back.
let c: FaultCluster;
let p: People;

beforeAll(async () => {
  c = await startCluster({ workers: 2 });
  p = await people(c, 4);
}, 150_000);
afterAll(() => c?.close(), 30_000);

it('[needs resil] PostgreSQL restarted during a bid burst: no 2xx for an uncommitted bid, no committed bid lost, bidding resumes', async () => {
  const listing = await endingAuction(c, p.seller.id, 3_600_000);
  const answers: BidAnswer[] = [];
  const burstEnds = Date.now() + 9_000;
  const burst = bidUntil(c, listing.id, p.buyers, burstEnds, answers);
  await new Promise((r) => setTimeout(r, 2_500));
  const beforeFault = (await c.deps.db.selectFrom('bids').select('id').where('listingId', '=', listing.id).execute()).map((b) => b.id);
  const downAt = Date.now();
  await c.restartPostgres(1_500);
  const restartMs = Date.now() - downAt;
  await burst;
  const afterRestart = answers.slice(-20);
  await bidsDecided(c, answers);
  const errors = answers.filter((a) => a.status >= 500 || a.status === 0).length;
  await expectInvariants(c, { bids: answers, bidsBeforeFault: beforeFault }, (report) =>
    figures('postgres restart during bid burst', report, {
      bidAnswers: answers.reduce<Record<string, number>>((o, a) => ({ ...o, [a.status]: (o[a.status] ?? 0) + 1 }), {}),
      errors,
      restartMs,
    }),
  );
  // Bidding came back by itself: the last answers of the burst (after the restart) include decided bids.
  expect(afterRestart.some((a) => a.status === 201 || a.status === 409)).toBe(true);
}, 85_000);
