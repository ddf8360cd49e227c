import { bidsDecided, bidUntil, endingAuction, saleOf } from './support/bidding';
import { startCluster, type FaultCluster } from './support/cluster';
import { expectInvariants, type BidAnswer } from './support/invariants';
import { converge, figures, payLikeTheApp, people, verify, type People } from './support/scenario';

// Redis restarted (its data saved and loaded again, as with persistence) and, separately, FLUSHALL
// (everything in it lost: queues, job schedulers, bids in flight), in the middle of bidding, of the
// auction's close, and of the release of its payment.
let c: FaultCluster;
let p: People;

beforeAll(async () => {
  c = await startCluster({ workers: 1, env: { SOFT_CLOSE_WINDOW_SEC: '1', SOFT_CLOSE_EXTENSION_SEC: '1' } });
  p = await people(c, 3);
}, 150_000);
afterAll(() => c?.close(), 30_000);

type Phase = 'bidding' | 'closing' | 'releasing';
type Fault = 'restart' | 'flushall';

const inject = (fault: Fault) => (fault === 'restart' ? c.restartRedis(1000) : c.flushRedis());

describe.each<[Fault, Phase]>([
  ['restart', 'bidding'],
  ['restart', 'closing'],
  ['restart', 'releasing'],
  ['flushall', 'bidding'],
  ['flushall', 'closing'],
  ['flushall', 'releasing'],
])('Redis %s while %s', (fault, phase) => {
  it('the auction closes, the winner pays, the seller is paid once, no bid is lost', async () => {
    const started = Date.now();
    const endsAt = Date.now() + 6_000;
    const listing = await endingAuction(c, p.seller.id, endsAt - Date.now());
    const answers: BidAnswer[] = [];
    const bidding = bidUntil(c, listing.id, p.buyers, endsAt - 500, answers);
    if (phase === 'bidding') {
      await new Promise((r) => setTimeout(r, 2_500));
      await inject(fault);
    }
    await bidding;
    if (phase === 'closing') {
      await new Promise((r) => setTimeout(r, Math.max(0, endsAt - Date.now())));
      await inject(fault);
    }
    await bidsDecided(c, answers);
    const sale = await saleOf(c, listing.id);
    const winner = p.buyers.findIndex((b) => b.id === sale.buyerId);
    await payLikeTheApp(c, p.buyers[winner], sale.id);
    await verify(c, sale.id);
    if (phase === 'releasing') await inject(fault);
    const expected = { [sale.id]: 'released' as const };
    await converge(c, expected, 30_000).catch(() => undefined); // the invariants say what is stuck
    await expectInvariants(c, { expected, bids: answers }, (report) =>
      figures(`redis ${fault} while ${phase}`, report, {
        bidAnswers: countBy(answers.map((a) => a.status)),
        msTotal: Date.now() - started,
      }),
    );
  }, 85_000);
});

function countBy(values: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
