/**
 * The staff room (realtime/README.md): every support or admin socket hears `transaction_update`
 * whenever a dispute opens or is decided — the support console's live queue. A chargeback's dispute
 * is opened and decided by the card issuer through Stripe's webhooks, not by staff.
 */
import { startRealtime, type RealtimeServer } from '../../realtime/io';
import { buyNowSale, payAndFund, useSellerWithWalletAndBuyer, waitForStatus } from '../escrow/helpers';
import { createUser, type TestUser } from '../support/harness';
import { closeAllClients, openClient } from './realtime-support';

const ctx = useSellerWithWalletAndBuyer();
let rt: RealtimeServer;
let agent: TestUser;
let stranger: TestUser;

beforeAll(async () => {
  rt = await startRealtime(await ctx.env.sibling(), 0);
  [agent, stranger] = await Promise.all([createUser(ctx.env.deps, { role: 'support' }), createUser(ctx.env.deps)]);
});
afterAll(async () => {
  closeAllClients();
  await rt.stop();
});

describe('staff room', () => {
  it("hears a chargeback's dispute open and the issuer's decision; a plain user's socket hears neither", async () => {
    const staff = await openClient(rt.port, agent.accessToken);
    const plain = await openClient(rt.port, stranger.accessToken);
    const tx = await payAndFund(ctx.env, ctx.buyer, (await buyNowSale(ctx.env, ctx.seller, ctx.buyer, 10_000)).id);
    const ofTx = (events: Array<Record<string, unknown>>) => events.filter((e) => e.transactionId === tx.id);

    const cb = ctx.env.standIn.createDispute(tx.chargeId!);
    await waitForStatus(ctx.env.deps, tx.id, 'disputed');
    await staff.waitFor('transaction_update');
    expect(ofTx(staff.events('transaction_update'))).toEqual([expect.objectContaining({ status: 'disputed' })]);

    ctx.env.standIn.closeDispute(cb.id, 'won');
    await waitForStatus(ctx.env.deps, tx.id, 'released');
    // The queue drops the case: the decision reaches the staff room like a staff decision does.
    await staff.waitFor('transaction_update', 2);
    expect(ofTx(staff.events('transaction_update'))[1]).toMatchObject({ dispute: { status: 'resolved', resolution: 'release' } });
    expect(ofTx(plain.events('transaction_update'))).toEqual([]);
  });
});
