import { startCluster, type FaultCluster } from './support/cluster';
import { expectInvariants } from './support/invariants';
import { converge, figures, fundedSale, people, refundByDispute, verify, type People } from './support/scenario';

// Stripe's webhooks delivered late, several times each and out of order, across payment, payout and
// refunds: every effect still happens once, and the ledger matches Stripe.
let c: FaultCluster;
let p: People;

beforeAll(async () => {
  c = await startCluster({ workers: 1 });
  p = await people(c, 3);
}, 150_000);
afterAll(() => c?.close(), 30_000);

it('webhooks delayed, duplicated ×3 and shuffled: each effect once, ledger and Stripe agree', async () => {
  c.standIn.setDelivery({ duplicate: 3, shuffle: true, deliveryDelayMs: 1_500 });
  const started = Date.now();
  const released = await fundedSale(c, p, 0);
  const refunded = await fundedSale(c, p, 1);
  const partly = await fundedSale(c, p, 2);
  await verify(c, released);
  await refundByDispute(c, refunded, 10_000);
  await refundByDispute(c, partly, 4_000);
  const expected = { [released]: 'released', [refunded]: 'refunded', [partly]: 'partially_refunded' } as const;
  await converge(c, { ...expected }).catch(() => undefined);
  await c.standIn.waitForDeliveries(20_000);
  await expectInvariants(c, { expected: { ...expected } }, (report) =>
    figures('webhooks late ×3 shuffled', report, { deliveries: c.standIn.deliveryLog.length, msTotal: Date.now() - started }),
  );
}, 85_000);

it('webhooks held back for a while (endpoint unreachable), then all delivered at once', async () => {
  c.standIn.setDelivery({ duplicate: 2, shuffle: true, deliveryDelayMs: 0, paused: true });
  const started = Date.now();
  // Paying needs the payment webhook: confirm on the "device" and release the held events later.
  const sale = fundedSale(c, p, 0);
  await new Promise((r) => setTimeout(r, 4_000));
  c.standIn.setDelivery({ paused: false });
  c.standIn.flush();
  const txId = await sale;
  await verify(c, txId);
  const expected = { [txId]: 'released' as const };
  await converge(c, expected);
  await c.standIn.waitForDeliveries(20_000);
  await expectInvariants(c, { expected }, (report) =>
    figures('webhooks held 4 s then flushed ×2 shuffled', report, {
      deliveries: c.standIn.deliveryLog.length,
      msTotal: Date.now() - started,
    }),
  );
}, 85_000);
