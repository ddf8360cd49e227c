import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chargeMovement } from '../../src/modules/escrow/escrow-money';
import { postMovement } from '../../src/modules/ledger';
import { reconcile } from '../../src/modules/ledger';
import { standInClient } from '../../tools/stripe-standin/src/testing';
import { buyNowSale, openAndResolveDispute, payAndFund, simulateVerify, useSellerWithWalletAndBuyer, waitForStatus } from './helpers';

const run = promisify(execFile);
const ctx = useSellerWithWalletAndBuyer();

/** `npm run reconcile` as an operator runs it, against this file's database and stand-in. */
async function runScript(): Promise<{ code: number; stdout: string }> {
  const vars = {
    NODE_ENV: 'test',
    DATABASE_URL: ctx.env.databaseUrl,
    STRIPE_SECRET_KEY: 'sk_test_biddt_standin',
    STRIPE_API_BASE: ctx.env.standIn.url,
    STRIPE_WEBHOOK_SECRET: ctx.env.webhookSecret,
    LOG_LEVEL: 'silent',
  };
  const tsx = join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
  try {
    const { stdout } = await run(tsx, [join(__dirname, '..', '..', 'scripts', 'reconcile.ts')], { env: { ...process.env, ...vars } });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

describe('reconciliation: ledger vs Stripe', () => {
  it('agrees after normal traffic, then reports one orphan each way and exits 1', async () => {
    const released = await buyNowSale(ctx.env, ctx.seller, ctx.buyer, 10_000);
    await payAndFund(ctx.env, ctx.buyer, released.id);
    await simulateVerify(ctx.env.deps, released.id);
    await waitForStatus(ctx.env.deps, released.id, 'released');
    const partly = await buyNowSale(ctx.env, ctx.seller, ctx.buyer, 10_000);
    await payAndFund(ctx.env, ctx.buyer, partly.id);
    await openAndResolveDispute(ctx.env.deps, partly.id, 'partial_refund', 2_500);
    await waitForStatus(ctx.env.deps, partly.id, 'partially_refunded');

    const clean = await reconcile(ctx.env.deps);
    expect(clean.orphans).toEqual([]);
    expect(clean.movementsChecked).toBe(5);
    expect(clean.stripeObjectsChecked).toBe(5);
    expect((await runScript()).code).toBe(0);

    // Ledger → Stripe: a movement whose charge Stripe never made.
    await ctx.env.deps.db.transaction().execute((trx) => postMovement(trx, chargeMovement(released.id, 1_234, 'ch_never_made')));
    // Stripe → ledger: a payment whose webhook was lost.
    const lost = await buyNowSale(ctx.env, ctx.seller, ctx.buyer, 6_000);
    ctx.env.standIn.setWebhookUrl(null);
    const stripe = standInClient(ctx.env.standIn.port);
    const pi = await stripe.paymentIntents.create({
      amount: 6_000,
      currency: 'cad',
      transfer_group: lost.id,
      metadata: { transaction_id: lost.id },
    });
    const paid = await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa', return_url: 'https://biddt.test/return' });
    ctx.env.standIn.setWebhookUrl(`${ctx.env.apiUrl}/v1/webhooks/stripe`);

    const report = await reconcile(ctx.env.deps);
    expect(report.orphans).toEqual([
      expect.objectContaining({ side: 'ledger', kind: 'charge', stripeObjectId: 'ch_never_made', transactionId: released.id }),
      expect.objectContaining({ side: 'stripe', kind: 'charge', stripeObjectId: paid.latest_charge, transactionId: lost.id }),
    ]);
    const script = await runScript();
    expect(script.code).toBe(1);
    expect(script.stdout).toContain('ORPHAN ledger→stripe charge ch_never_made');
    expect(script.stdout).toContain(`ORPHAN stripe→ledger charge ${String(paid.latest_charge)}`);
    expect(script.stdout).toMatch(/2 orphan\(s\)/);
  });
});
