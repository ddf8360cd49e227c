import { sweepEscrow, type CrashPoint } from '../../src/modules/escrow';
import { releaseJob } from '../../src/shared/jobs/money-jobs';
import { jobId } from '../../src/shared/jobs';
import { eventually } from '../support/fixtures';
import { buyNowSale, ledgerOf, payAndFund, simulateVerify, transfersOf, useSellerWithWalletAndBuyer, waitForStatus } from './helpers';

const ctx = useSellerWithWalletAndBuyer();
afterEach(() => ctx.env.crashPoints.reset());

async function fundedSale(): Promise<string> {
  const tx = await buyNowSale(ctx.env, ctx.seller, ctx.buyer, 10_000);
  await payAndFund(ctx.env, ctx.buyer, tx.id);
  return tx.id;
}

const transferPosts = (txId: string) =>
  ctx.env.standIn.requestLog.filter(
    (r) => r.method === 'POST' && r.path === '/v1/transfers' && (r.params as { transfer_group?: string }).transfer_group === txId,
  );

/** The QR release job once BullMQ has completed it (after its retries). */
async function completedReleaseJob(txId: string) {
  const id = jobId('release', txId, 'qr_verified');
  await eventually(async () => {
    const job = await ctx.env.deps.queues.escrow.getJob(id);
    return job && (await job.isCompleted()) ? job : undefined;
  });
  // Read again: a job loaded just before it completed says completed but carries no return value yet.
  return (await ctx.env.deps.queues.escrow.getJob(id))!;
}

/** Released with exactly one transfer of 9201, one `release` movement, escrow at zero. */
async function expectReleasedOnce(txId: string): Promise<void> {
  const tx = await waitForStatus(ctx.env.deps, txId, 'released');
  const transfers = transfersOf(ctx.env, txId);
  expect(transfers.map((t) => [t.id, t.amount])).toEqual([[tx.transferId, 9_201]]);
  const ledger = await ledgerOf(ctx.env.deps, txId);
  expect(ledger.movements.map((m) => m.type)).toEqual(['charge', 'release']);
  expect(ledger.escrow).toBe(0);
}

describe('escrow.release is exactly once under crashes, Stripe faults and duplicate jobs', () => {
  it.each<[CrashPoint, number, string]>([
    // Killed before calling Stripe: nothing happened, the retry makes the one transfer.
    ['release.before_transfer', 1, 'released'],
    // Killed after Stripe made the transfer, before our commit: the retry finds it (transfer_group) and makes none.
    ['release.after_transfer', 1, 'released'],
    // Killed after the commit (before BullMQ heard of it): the retry sees it done.
    ['release.after_commit', 1, 'already_released'],
  ])('worker killed at %s → one transfer', async (point, posts, retryOutcome) => {
    const txId = await fundedSale();
    ctx.env.crashPoints.arm(point);
    await simulateVerify(ctx.env.deps, txId);
    const job = await completedReleaseJob(txId);
    expect(job.returnvalue).toBe(retryOutcome);
    await expectReleasedOnce(txId);
    expect(ctx.env.crashPoints.hits()).toEqual([point]);
    expect(transferPosts(txId)).toHaveLength(posts);
  });

  it('Stripe commits the transfer, then the connection times out: the retry finds the same transfer', async () => {
    const txId = await fundedSale();
    // The SDK itself retries a dropped connection once (same key): both attempts hang up.
    ctx.env.standIn.failNext({ method: 'POST', pathPrefix: '/v1/transfers', mode: 'timeout_after_commit', hangMs: 100, times: 2 });
    await simulateVerify(ctx.env.deps, txId);
    await expectReleasedOnce(txId);
    // The job's retry looked the transfer up instead of posting again.
    expect(transferPosts(txId).map((r) => [r.status, r.replayed])).toEqual([
      ['hung', false],
      ['hung', true],
    ]);
  });

  it('Stripe commits the transfer, then answers 500: the retry finds the same transfer', async () => {
    const txId = await fundedSale();
    ctx.env.standIn.failNext({ method: 'POST', pathPrefix: '/v1/transfers', mode: 'error_after_commit' });
    await simulateVerify(ctx.env.deps, txId);
    await expectReleasedOnce(txId);
    expect(transferPosts(txId).map((r) => r.status)).toEqual([500]);
  });

  it('Stripe fails before committing: the retry creates the transfer under the same key', async () => {
    const txId = await fundedSale();
    ctx.env.standIn.failNext({ method: 'POST', pathPrefix: '/v1/transfers', mode: 'error_before_commit', times: 2 });
    await simulateVerify(ctx.env.deps, txId);
    await expectReleasedOnce(txId);
    const posts = transferPosts(txId);
    expect(posts.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(new Set(posts.map((r) => r.idempotencyKey))).toEqual(new Set([`release-${txId}`]));
  });

  it('a release whose job was lost in Redis is re-queued by the sweep', async () => {
    const txId = await fundedSale();
    // Verified long ago, but the release job never reached a worker.
    await ctx.env.deps.db
      .updateTable('transactions')
      .set({ verifiedAt: new Date(Date.now() - 10 * 60_000) })
      .where('id', '=', txId)
      .execute();
    expect(await sweepEscrow(ctx.env.deps)).toMatchObject({ releases: 1 });
    await expectReleasedOnce(txId);
    expect(await sweepEscrow(ctx.env.deps)).toMatchObject({ releases: 0 });
  });

  it('duplicate release jobs running at once make one transfer', async () => {
    const txId = await fundedSale();
    await ctx.env.deps.db.updateTable('transactions').set({ verifiedAt: new Date() }).where('id', '=', txId).execute();
    const job = releaseJob(txId, 'qr_verified');
    await Promise.all([1, 2, 3, 4].map((n) => ctx.env.deps.queues.escrow.add(job.name, job.data, { jobId: `${job.jobId}-dup${n}` })));
    await expectReleasedOnce(txId);
  });
});
