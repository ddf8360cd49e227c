import fc from 'fast-check';
import { sql } from 'kysely';
import { openDispute } from '../../src/modules/disputes';
import { closeChargeback, recordChargeback } from '../../src/flows/chargeback';
import { refundEscrow, releaseEscrow, syncPaymentIntent } from '../../src/modules/escrow';
import { reconcile } from '../../src/modules/ledger';
import { createUser, type TestUser } from '../support/harness';
import { createStripeTestEnv, type StripeTestEnv } from '../support/stripe';
import { buyNowSale, findTx, openWallet, pay } from './helpers';
import { applyOp, ledgerViolations, ModelLedger, newModelTx, partialAmount, type ModelTx, type Op } from './ledger-model';

const opArb = (txCount: number): fc.Arbitrary<Op> => {
  const tx = fc.integer({ min: 0, max: txCount - 1 });
  return fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant('pay' as const), tx }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant('verify' as const), tx }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant('dispute' as const), tx }), weight: 2 },
    {
      arbitrary: fc.record({
        kind: fc.constant('resolve' as const),
        tx,
        resolution: fc.constantFrom('release' as const, 'refund' as const, 'partial_refund' as const),
        fraction: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      weight: 3,
    },
    { arbitrary: fc.record({ kind: fc.constant('chargeback' as const), tx }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('chargeback_close' as const), tx, won: fc.boolean() }), weight: 2 },
  );
};

describe('ledger invariants over random escrow histories (reference model)', () => {
  it('balances, never over-pays, and escrow equals funded-unreleased remaining amounts', () => {
    const scenario = fc.record({
      amounts: fc.array(fc.integer({ min: 500, max: 250_000 }), { minLength: 1, maxLength: 4 }),
      ops: fc.array(opArb(4), { maxLength: 40 }),
    });
    fc.assert(
      fc.property(scenario, ({ amounts, ops }) => {
        const ledger = new ModelLedger();
        const txs = amounts.map((a, i) => newModelTx(`t${i}`, a));
        for (const op of ops) {
          applyOp(ledger, txs, op);
          expect(ledgerViolations(ledger.balances, txs, ledger.chargebacksSeen)).toEqual([]);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('the same histories through the real code (PostgreSQL + the Stripe stand-in)', () => {
  let env: StripeTestEnv;
  let seller: TestUser;
  let buyer: TestUser;
  const modelTxs: ModelTx[] = [];
  const ledger = new ModelLedger();

  beforeAll(async () => {
    // No workers and no webhooks: each step calls the worker's function itself, so the history is exactly the ops.
    env = await createStripeTestEnv({ workers: false });
    env.standIn.setWebhookUrl(null);
    seller = await createUser(env.deps);
    buyer = await createUser(env.deps);
    await openWallet(env, seller);
  });
  afterAll(async () => {
    await env.close();
  });

  const stripeDispute = new Map<string, string>();
  const applied = new Set<Op['kind']>();

  /** Runs the operation the model just applied, through the functions the workers and routes call. */
  async function runReal(op: Op, before: ModelTx): Promise<void> {
    const id = before.id;
    const deps = env.deps;
    const tx = await findTx(deps, id);
    if (op.kind === 'pay') {
      const { body } = await pay(env, buyer, id);
      env.standIn.confirmPaymentIntent(body.paymentIntentId, 'pm_card_visa');
      await syncPaymentIntent(deps, body.paymentIntentId);
    } else if (op.kind === 'verify') {
      await deps.db.updateTable('transactions').set({ verifiedAt: new Date() }).where('id', '=', id).execute();
      await releaseEscrow(deps, id, 'qr_verified');
    } else if (op.kind === 'dispute') {
      await deps.db.transaction().execute(async (trx) => {
        const locked = await trx.selectFrom('transactions').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
        await openDispute(trx, locked, { source: 'party', openedBy: buyer.id, reason: 'not_as_described', details: '' });
      });
    } else if (op.kind === 'resolve') {
      const x =
        op.resolution === 'refund'
          ? before.amountCents - before.refundedCents
          : op.resolution === 'partial_refund'
            ? partialAmount(before, op.fraction)
            : null;
      const dispute = await deps.db
        .updateTable('disputes')
        .set({ status: 'resolved', resolution: op.resolution, refundCents: x, resolvedAt: sql<Date>`now()` })
        .where('transactionId', '=', id)
        .where('status', '=', 'open')
        .returning('id')
        .executeTakeFirstOrThrow();
      if (x !== null) await refundEscrow(deps, { transactionId: id, amountCents: x, disputeId: dispute.id });
      if (op.resolution !== 'refund') await releaseEscrow(deps, id, 'dispute_resolved');
    } else if (op.kind === 'chargeback') {
      const dp = env.standIn.createDispute(tx.chargeId!);
      stripeDispute.set(id, dp.id);
      await recordChargeback(deps, dp.id);
    } else {
      const dpId = stripeDispute.get(id)!;
      env.standIn.closeDispute(dpId, op.won ? 'won' : 'lost');
      await closeChargeback(deps, dpId);
      const ours = await deps.db.selectFrom('disputes').selectAll().where('stripeDisputeId', '=', dpId).executeTakeFirstOrThrow();
      if (op.won) await releaseEscrow(deps, id, 'dispute_resolved');
      else await refundEscrow(deps, { transactionId: id, amountCents: ours.refundCents!, disputeId: ours.id });
    }
  }

  /** The database's ledger obeys the invariants, each movement balances, and every entry chains its account's balance. */
  async function checkDatabase(): Promise<void> {
    const db = env.deps.db;
    const accounts = await db.selectFrom('ledgerAccounts').select(['code', 'balanceCents']).execute();
    const chargebacks = await db
      .selectFrom('ledgerEntries')
      .select('movementId')
      .where('movementType', '=', 'chargeback')
      .distinct()
      .execute();
    expect(ledgerViolations(new Map(accounts.map((a) => [a.code, Number(a.balanceCents)])), modelTxs, chargebacks.length)).toEqual([]);
    const unbalanced = await sql<{
      movement_id: string;
    }>`SELECT movement_id FROM ledger_entries GROUP BY movement_id HAVING sum(amount_cents) <> 0`.execute(db);
    expect(unbalanced.rows).toEqual([]);
    const broken = await sql<{ id: string }>`
      SELECT id FROM (SELECT id, balance_before_cents, lag(balance_after_cents, 1, 0::bigint) OVER (PARTITION BY account_code ORDER BY id) AS prev FROM ledger_entries) e
      WHERE balance_before_cents <> prev`.execute(db);
    expect(broken.rows).toEqual([]);
    for (const m of modelTxs) {
      const real = await findTx(env.deps, m.id);
      const types = await db
        .selectFrom('ledgerEntries')
        .select('movementType')
        .where('transactionId', '=', m.id)
        .groupBy(['movementId', 'movementType'])
        .orderBy(sql`min(id)`)
        .execute();
      expect({ status: real.status, refunded: real.refundedCents, movements: types.map((t) => t.movementType) }).toEqual({
        status: m.status,
        refunded: m.refundedCents,
        movements: m.movements,
      });
    }
  }

  it('keeps every invariant after every step, matches the model, and reconciles with Stripe', async () => {
    const scenario = fc.record({
      amounts: fc.array(fc.integer({ min: 500, max: 50_000 }), { minLength: 1, maxLength: 2 }),
      ops: fc.array(opArb(2), { minLength: 4, maxLength: 10 }),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ amounts, ops }) => {
        const txs: ModelTx[] = [];
        for (const amount of amounts) {
          const real = await buyNowSale(env, seller, buyer, amount);
          txs.push(newModelTx(real.id, amount));
        }
        modelTxs.push(...txs);
        for (const op of ops) {
          const before = structuredClone(txs[op.tx % txs.length]);
          if (!applyOp(ledger, txs, op)) continue;
          applied.add(op.kind);
          await runReal(op, before);
          await checkDatabase();
        }
      }),
      {
        numRuns: 8,
        endOnFailure: true,
        // Histories that random draws reach rarely: a chargeback lost after release, won before release, a partial refund.
        examples: [
          [
            {
              amounts: [10_000],
              ops: [
                { kind: 'pay', tx: 0 },
                { kind: 'verify', tx: 0 },
                { kind: 'chargeback', tx: 0 },
                { kind: 'chargeback_close', tx: 0, won: false },
              ],
            },
          ],
          [
            {
              amounts: [7_777, 20_000],
              ops: [
                { kind: 'pay', tx: 0 },
                { kind: 'pay', tx: 1 },
                { kind: 'chargeback', tx: 1 },
                { kind: 'chargeback_close', tx: 1, won: true },
                { kind: 'dispute', tx: 0 },
                { kind: 'resolve', tx: 0, resolution: 'partial_refund', fraction: 0.3 },
              ],
            },
          ],
          [
            {
              amounts: [900],
              ops: [
                { kind: 'pay', tx: 0 },
                { kind: 'dispute', tx: 0 },
                { kind: 'resolve', tx: 0, resolution: 'refund', fraction: 0 },
                { kind: 'verify', tx: 0 },
              ],
            },
          ],
          // A charge is disputed at the bank at most once, even after its first dispute was won.
          [
            {
              amounts: [25_757],
              ops: [
                { kind: 'pay', tx: 0 },
                { kind: 'chargeback', tx: 0 },
                { kind: 'chargeback_close', tx: 0, won: true },
                { kind: 'chargeback', tx: 0 },
              ],
            },
          ],
        ],
      },
    );
    expect(applied.size).toBe(6);
    expect((await reconcile(env.deps)).orphans).toEqual([]);
  }, 120_000);
});
