import { sql } from 'kysely';
import { startCluster, type FaultCluster, type KillSwitches } from './support/cluster';
import { expectInvariants } from './support/invariants';
import { converge, figures, fundedSale, people, refundByDispute, verify, type People } from './support/scenario';

// Workers SIGKILLed at each step of a money effect: before the Stripe call, after it (before our
// commit), after the commit (before BullMQ hears the job finished). Another worker takes over.
let c: FaultCluster;
let p: People;

beforeAll(async () => {
  c = await startCluster({ workers: 0 });
  await c.startWorker(); // pays and funds the sales below, then steps aside for each fault worker
  p = await people(c);
}, 150_000);
afterAll(() => c?.close(), 30_000);

/** The processes keep real clocks: the intents' lease and next attempt are moved back with the fake one. */
const ageIntents = (ms: number) =>
  c.deps.db
    .updateTable('moneyIntents')
    .set({
      leaseUntil: sql<Date>`lease_until - make_interval(secs => ${ms / 1000})`,
      nextAttemptAt: sql<Date>`next_attempt_at - make_interval(secs => ${ms / 1000})`,
    })
    .where('status', '<>', 'succeeded')
    .execute();

async function onlyFaultWorker(switches: KillSwitches) {
  await Promise.all(c.workers.filter((w) => w.alive()).map((w) => w.stop()));
  return c.startWorker(switches);
}

describe.each<[string, KillSwitches, 'release' | 'refund']>([
  ['release: killed before the Stripe transfer', { FAULTS_KILL_BEFORE_STRIPE: 'createTransfer' }, 'release'],
  ['release: killed after the transfer, before the commit', { FAULTS_KILL_AT: 'release.after_transfer' }, 'release'],
  ['release: killed after the commit', { FAULTS_KILL_ON_COMPLETE: 'escrow.release' }, 'release'],
  ['refund: killed before the Stripe refund', { FAULTS_KILL_BEFORE_STRIPE: 'createRefund' }, 'refund'],
  ['refund: killed after the refund, before the commit', { FAULTS_KILL_AT: 'refund.after_refund' }, 'refund'],
  ['refund: killed after the commit', { FAULTS_KILL_ON_COMPLETE: 'escrow.refund' }, 'refund'],
])('%s', (scenario, switches, effect) => {
  it('another worker finishes it, exactly once', async () => {
    const txId = await fundedSale(c, p);
    const victim = await onlyFaultWorker(switches);
    if (effect === 'release') await verify(c, txId);
    else await refundByDispute(c, txId, 10_000);
    expect(await Promise.race([victim.exited, new Promise((r) => setTimeout(() => r('alive'), 20_000))])).toBe('SIGKILL');
    const started = Date.now();
    await c.startWorker();
    const expected = { [txId]: effect === 'release' ? ('released' as const) : ('refunded' as const) };
    // A worker killed mid-attempt leaves its money intent claimed until the lease ends
    // (MONEY_INTENT_LEASE_MS, 5 min); the sweep then hands it to the live worker. Fake time gets there.
    const done = async () =>
      (await c.deps.db.selectFrom('transactions').select('status').where('id', '=', txId).executeTakeFirst())?.status === expected[txId];
    const fakeMs = await c.time.run(15 * 60_000, { stepMs: 30_000, realPauseMs: 300, done, onAdvance: ageIntents });
    await converge(c, expected);
    await expectInvariants(c, { expected }, (report) => figures(`worker-kill ${scenario}`, report, { convergeMs: Date.now() - started, fakeMsToConverge: fakeMs }));
  }, 90_000);
});
