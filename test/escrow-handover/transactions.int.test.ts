import { recordTransactionEvent } from '../../src/modules/transactions/transactions.repository';
import type { Response } from 'supertest';
import { createUser } from '../support/harness';
import { expectProblem } from '../support/http';
import { auditRows, createTransaction, useTransactionParties } from './support';

const ctx = useTransactionParties();

describe('GET /v1/transactions/:id and its timeline', () => {
  it('shows the parties their transaction with their role and fees; strangers get 404', async () => {
    const tx = await createTransaction(ctx.env.deps, { buyerId: ctx.buyer.id, sellerId: ctx.seller.id, amountCents: 10_000 });
    const asBuyer = await ctx.env.http.get(`/v1/transactions/${tx.id}`).set(ctx.buyer.auth);
    expect(asBuyer.status).toBe(200);
    expect(asBuyer.body).toMatchObject({
      id: tx.id,
      buyerId: ctx.buyer.id,
      sellerId: ctx.seller.id,
      amountCents: 10_000,
      commissionCents: 600,
      escrowFeeCents: 199,
      sellerPayoutCents: 9_201,
      status: 'in_escrow',
      myRole: 'buyer',
      dispute: null,
      refundedCents: 0,
    });
    expect((await ctx.env.http.get(`/v1/transactions/${tx.id}`).set(ctx.seller.auth)).body.myRole).toBe('seller');
    expectProblem(await ctx.env.http.get(`/v1/transactions/${tx.id}`).set(ctx.stranger.auth), 404, 'not_found');
    expectProblem(await ctx.env.http.get('/v1/transactions/00000000-0000-4000-8000-000000000000').set(ctx.buyer.auth), 404, 'not_found');
    expectProblem(await ctx.env.http.get('/v1/transactions/not-a-uuid').set(ctx.buyer.auth), 400, 'validation_failed');
  });

  it('lets staff with transactions:read see any transaction, and audits it', async () => {
    const tx = await createTransaction(ctx.env.deps, { buyerId: ctx.buyer.id, sellerId: ctx.seller.id });
    const res = await ctx.env.http.get(`/v1/transactions/${tx.id}`).set(ctx.support.auth).set('X-Request-Id', 'req-staff-tx');
    expect(res.status).toBe(200);
    expect(res.body.myRole).toBeNull();
    expect((await ctx.env.http.get(`/v1/transactions/${tx.id}/events`).set(ctx.support.auth)).status).toBe(200);
    expect((await auditRows(ctx.env.deps, 'transaction', tx.id)).map((a) => [a.action, a.actorId, a.requestId])).toEqual([
      ['transaction.viewed', ctx.support.id, 'req-staff-tx'],
      ['transaction.events_viewed', ctx.support.id, expect.any(String)],
    ]);
    // Parties' own reads are not staff actions.
    await ctx.env.http.get(`/v1/transactions/${tx.id}`).set(ctx.buyer.auth);
    expect(await auditRows(ctx.env.deps, 'transaction', tx.id)).toHaveLength(2);
  });

  it('pages the timeline oldest first and names who acted from the viewer’s side', async () => {
    const tx = await createTransaction(ctx.env.deps, { buyerId: ctx.buyer.id, sellerId: ctx.seller.id });
    await ctx.env.deps.db.transaction().execute(async (trx) => {
      await recordTransactionEvent(trx, tx.id, 'payment_received', { amountCents: tx.amountCents });
      await recordTransactionEvent(trx, tx.id, 'message_flagged', {}, ctx.support.id);
      await recordTransactionEvent(trx, tx.id, 'pickup_verified', {}, ctx.seller.id);
    });
    const first = await ctx.env.http.get(`/v1/transactions/${tx.id}/events`).query({ limit: 2 }).set(ctx.buyer.auth);
    expect(first.body.items.map((e: { type: string; actor: string }) => [e.type, e.actor])).toEqual([
      ['payment_received', 'system'],
      ['message_flagged', 'staff'],
    ]);
    const second = await ctx.env.http
      .get(`/v1/transactions/${tx.id}/events`)
      .query({ limit: 2, after: first.body.nextCursor })
      .set(ctx.buyer.auth);
    expect(second.body).toEqual({ items: [expect.objectContaining({ type: 'pickup_verified', actor: 'seller' })], nextCursor: null });
    expectProblem(await ctx.env.http.get(`/v1/transactions/${tx.id}/events`).set(ctx.stranger.auth), 404, 'not_found');
  });

  it('keeps staff work notes (needsStaff: a raw provider error, an internal state) off the parties’ timeline; staff see them', async () => {
    const tx = await createTransaction(ctx.env.deps, { buyerId: ctx.buyer.id, sellerId: ctx.seller.id });
    await ctx.env.deps.db.transaction().execute(async (trx) => {
      await recordTransactionEvent(trx, tx.id, 'payment_received', { amountCents: tx.amountCents });
      // What escrow's recordStaffWork writes when Stripe refuses a reversal.
      await recordTransactionEvent(trx, tx.id, 'reversal_failed', {
        transferId: 'tr_123',
        amountCents: 9_201,
        error: 'Insufficient funds in Stripe account acct_123',
        needsStaff: true,
      });
      await recordTransactionEvent(trx, tx.id, 'dispute_opened', { source: 'party' }, ctx.buyer.id);
    });
    for (const party of [ctx.buyer, ctx.seller]) {
      const page = await ctx.env.http.get(`/v1/transactions/${tx.id}/events`).query({ limit: 1 }).set(party.auth);
      expect(page.body.items.map((e: { type: string }) => e.type)).toEqual(['payment_received']);
      const rest = await ctx.env.http.get(`/v1/transactions/${tx.id}/events`).query({ after: page.body.nextCursor }).set(party.auth);
      expect(rest.body).toEqual({ items: [expect.objectContaining({ type: 'dispute_opened' })], nextCursor: null });
      expect(JSON.stringify(rest.body)).not.toContain('acct_123');
    }
    const staff = await ctx.env.http.get(`/v1/transactions/${tx.id}/events`).set(ctx.support.auth);
    expect(staff.body.items.map((e: { type: string }) => e.type)).toEqual(['payment_received', 'reversal_failed', 'dispute_opened']);
  });
});

describe('GET /v1/users/me/transactions', () => {
  it('lists only your own, newest first, by role and status, with a cursor', async () => {
    const me = await createUser(ctx.env.deps);
    const other = await createUser(ctx.env.deps);
    const bought = await createTransaction(ctx.env.deps, { buyerId: me.id, sellerId: other.id, status: 'in_escrow' });
    const sold = await createTransaction(ctx.env.deps, { buyerId: other.id, sellerId: me.id, status: 'released' });
    const bought2 = await createTransaction(ctx.env.deps, { buyerId: me.id, sellerId: other.id, status: 'released' });
    await createTransaction(ctx.env.deps, { buyerId: other.id, sellerId: ctx.stranger.id });

    const all: Array<{ id: string; myRole: string }> = [];
    let cursor: string | null = null;
    do {
      const page: Response = await ctx.env.http
        .get('/v1/users/me/transactions')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(me.auth);
      expect(page.status).toBe(200);
      all.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(all.map((t) => t.id)).toEqual([bought2.id, sold.id, bought.id]);
    expect(all.map((t) => t.myRole)).toEqual(['buyer', 'seller', 'buyer']);
    expect(all[0]).toMatchObject({ listingTitle: 'Vintage road bike', amountCents: 10_000 });

    const asSeller = await ctx.env.http.get('/v1/users/me/transactions').query({ role: 'seller' }).set(me.auth);
    expect(asSeller.body.items.map((t: { id: string }) => t.id)).toEqual([sold.id]);
    const releasedBuys = await ctx.env.http.get('/v1/users/me/transactions').query({ role: 'buyer', status: 'released' }).set(me.auth);
    expect(releasedBuys.body.items.map((t: { id: string }) => t.id)).toEqual([bought2.id]);
    // Someone else's transaction id is no cursor into it.
    const foreign = await ctx.env.http.get('/v1/users/me/transactions').query({ cursor: bought.id }).set(ctx.stranger.auth);
    expect(foreign.body.items).toEqual([]);
    expectProblem(await ctx.env.http.get('/v1/users/me/transactions').query({ role: 'admin' }).set(me.auth), 400, 'validation_failed');
    expectProblem(await ctx.env.http.get('/v1/users/me/transactions'), 401);
  });
});
