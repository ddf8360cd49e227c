/**
 * Second-chance offers (SPEC §9): after the winner did not pay, the seller offers the item to the
 * runner-up at the runner-up's own maximum; accepting within 48 h makes a new payable sale of the same
 * listing (the partial unique index allows it next to the cancelled one); declining or letting it
 * expire sells nothing. Only the seller offers, only the runner-up answers, once.
 */
import { sql } from 'kysely';
import { Client } from 'pg';
import { closeAuction } from '../../src/modules/auctions';
import { enforcePaymentDeadline } from '../../src/modules/escrow';
import { expireOffer } from '../../src/modules/offers';
import { createActiveListing, eventually } from '../support/fixtures';
import { createUser, type TestUser } from '../support/harness';
import { expectProblem } from '../support/http';
import { waitForLockWaiter } from '../support/lock-waiter';
import { createStripeTestEnv, type StripeTestEnv } from '../support/stripe';

// The Stripe stand-in, so the new sale can be paid for real; workers deliver the notifications.
const ctx = {} as { env: StripeTestEnv; seller: TestUser; alice: TestUser; bob: TestUser };
beforeAll(async () => {
  ctx.env = await createStripeTestEnv();
  [ctx.seller, ctx.alice, ctx.bob] = await Promise.all(
    ['Sam', 'Alice', 'Bob'].map((displayName) => createUser(ctx.env.deps, { displayName })),
  );
});
afterAll(async () => ctx.env?.close());
const db = () => ctx.env.deps.db;
/** Moves the offer's 48 h window to end `seconds` from now on the database clock (negative: already over). */
const setOfferExpiry = (offerId: string, seconds: number) =>
  db().updateTable('secondChanceOffers').set({ expiresAt: sql<Date>`now() + make_interval(secs => ${seconds})` }).where('id', '=', offerId).execute();
/** The listing's sales that were not cancelled. */
const liveSales = (listingId: string) =>
  db().selectFrom('transactions').select('id').where('listingId', '=', listingId).where('status', '<>', 'cancelled').execute();

const bid = async (user: TestUser, listingId: string, maxAmountCents: number) => {
  const res = await ctx.env.http.post(`/v1/listings/${listingId}/bids`).set(user.auth).send({ maxAmountCents });
  expect(res.status).toBe(201);
};

/**
 * An auction a fresh winner won (max 9000) over Carol (7000) and Bob (8000 — the runner-up), then did
 * not pay: closed by the real close, cancelled by the real payment-deadline job with its due date moved back.
 * (A fresh winner each time: two non-payments would suspend a bidder.)
 */
async function unpaidAuction(seller: TestUser = ctx.seller) {
  const carol = await createUser(ctx.env.deps, { displayName: 'Carol' });
  const winner = await createUser(ctx.env.deps, { displayName: 'Wes' });
  const listing = await createActiveListing(ctx.env.deps, seller.id, { startingPriceCents: 5000, title: 'Vélo de route' });
  await bid(carol, listing.id, 7000);
  await bid(ctx.bob, listing.id, 8000);
  await bid(winner, listing.id, 9000);
  await db()
    .updateTable('listings')
    .set({ endsAt: sql<Date>`now() - interval '1 second'` })
    .where('id', '=', listing.id)
    .execute();
  expect(await closeAuction(ctx.env.deps, listing.id)).toBe('closed');
  const sale = await db().selectFrom('transactions').selectAll().where('listingId', '=', listing.id).executeTakeFirstOrThrow();
  expect(sale).toMatchObject({ buyerId: winner.id, amountCents: 8100, status: 'pending_payment' });
  await db()
    .updateTable('transactions')
    .set({ paymentDueAt: sql<Date>`now() - interval '1 second'` })
    .where('id', '=', sale.id)
    .execute();
  expect(await enforcePaymentDeadline(ctx.env.deps, sale.id)).toBe('cancelled');
  return { listing, unpaid: sale, carol, winner };
}

const offer = (user: TestUser, listingId: string) => ctx.env.http.post(`/v1/listings/${listingId}/second-chance`).set(user.auth).send();
const answer = (user: TestUser, offerId: string, verb: 'accept' | 'decline') =>
  ctx.env.http.post(`/v1/offers/${offerId}/${verb}`).set(user.auth).send();
const notificationsOf = (userId: string, type: string) =>
  db().selectFrom('notifications').select(['type', 'data']).where('userId', '=', userId).where('type', '=', type).execute();

describe('second-chance offer', () => {
  it('offered to the runner-up at their own maximum; accepted → a new pending_payment sale, payable, everyone told', async () => {
    const { listing, unpaid } = await unpaidAuction();
    const made = await offer(ctx.seller, listing.id);
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      listingId: listing.id,
      bidderId: ctx.bob.id,
      sellerId: ctx.seller.id,
      amountCents: 8000,
      status: 'pending',
    });
    const window = new Date(made.body.expiresAt).getTime() - new Date(made.body.createdAt).getTime();
    expect(window).toBe(48 * 3600 * 1000);
    await eventually(async () => (await notificationsOf(ctx.bob.id, 'second_chance_offer')).length === 1);

    const accepted = await answer(ctx.bob, made.body.id, 'accept');
    expect(accepted.status).toBe(201);
    expect(accepted.body.offer).toMatchObject({ status: 'accepted', transactionId: accepted.body.transaction.id });
    expect(accepted.body.transaction).toMatchObject({
      listingId: listing.id,
      buyerId: ctx.bob.id,
      sellerId: ctx.seller.id,
      amountCents: 8000,
      commissionCents: 480,
      escrowFeeCents: 199,
      sellerPayoutCents: 7321,
      status: 'pending_payment',
      source: 'second_chance',
    });
    const sales = await db()
      .selectFrom('transactions')
      .select(['id', 'status'])
      .where('listingId', '=', listing.id)
      .orderBy('createdAt')
      .execute();
    expect(sales).toEqual([
      { id: unpaid.id, status: 'cancelled' },
      { id: accepted.body.transaction.id, status: 'pending_payment' },
    ]);
    const after = await db().selectFrom('listings').select(['status', 'winnerId']).where('id', '=', listing.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ status: 'ended_sold', winnerId: ctx.bob.id });

    // Payable like a won auction: the buyer gets a PaymentIntent for the new sale.
    const pay = await ctx.env.http.post(`/v1/transactions/${accepted.body.transaction.id}/pay`).set(ctx.bob.auth).send();
    expect(pay.status).toBeLessThan(300);
    expect(pay.body.clientSecret ?? pay.body.paymentIntent?.clientSecret).toBeTruthy();
    await eventually(async () =>
      (await notificationsOf(ctx.seller.id, 'sold')).some((n) => (n.data as { offerId?: string }).offerId === made.body.id),
    );

    // The unique rule still holds: no second live sale of the listing.
    await expect(
      db()
        .insertInto('transactions')
        .values({
          ...unpaid,
          id: undefined,
          status: 'pending_payment',
          cancelReason: null,
          cancelledAt: null,
          createdAt: undefined,
          updatedAt: undefined,
        } as never)
        .execute(),
    ).rejects.toThrow(/transactions_listing_live_key/);
  });

  it('offering twice → 409 offer_exists; answering twice → 409 offer_not_pending', async () => {
    const { listing } = await unpaidAuction();
    const made = await offer(ctx.seller, listing.id);
    expect(made.status).toBe(201);
    expectProblem(await offer(ctx.seller, listing.id), 409, 'offer_exists');
    expect((await answer(ctx.bob, made.body.id, 'decline')).status).toBe(200);
    expectProblem(await answer(ctx.bob, made.body.id, 'accept'), 409, 'offer_not_pending');
  });

  it('a runner-up suspended since the offer cannot accept it (403 bidder_not_allowed): nothing sold, the offer still open', async () => {
    const { listing } = await unpaidAuction();
    const made = await offer(ctx.seller, listing.id);
    expect(made.status).toBe(201);
    const suspend = (at: Date | null) => db().updateTable('users').set({ suspendedAt: at }).where('id', '=', ctx.bob.id).execute();
    await suspend(new Date());
    try {
      expectProblem(await answer(ctx.bob, made.body.id, 'accept'), 403, 'bidder_not_allowed');
    } finally {
      await suspend(null);
    }
    expect(await liveSales(listing.id)).toEqual([]);
    expect((await answer(ctx.bob, made.body.id, 'accept')).status).toBe(201);
  });

  it('an accept racing the runner-up’s suspension waits for it and is refused (403): once the suspension answered, nothing is sold', async () => {
    const { listing } = await unpaidAuction();
    const made = await offer(ctx.seller, listing.id);
    expect(made.status).toBe(201);
    const suspension = new Client({ connectionString: ctx.env.databaseUrl });
    await suspension.connect();
    try {
      // The admin suspension in flight: the account row locked as setSuspension locks it, before its update.
      await suspension.query('BEGIN');
      await suspension.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [ctx.bob.id]);
      const accepted = answer(ctx.bob, made.body.id, 'accept').then((res) => res);
      await waitForLockWaiter(suspension);
      await suspension.query('UPDATE users SET suspended_at = now() WHERE id = $1', [ctx.bob.id]);
      await suspension.query('COMMIT');
      expectProblem(await accepted, 403, 'bidder_not_allowed');
    } finally {
      await suspension.query('ROLLBACK').catch(() => undefined);
      await db().updateTable('users').set({ suspendedAt: null }).where('id', '=', ctx.bob.id).execute();
      await suspension.end();
    }
    expect(await liveSales(listing.id)).toEqual([]);
  });

  it('declined → nothing sold, the seller is told', async () => {
    const { listing } = await unpaidAuction();
    const made = await offer(ctx.seller, listing.id);
    const declined = await answer(ctx.bob, made.body.id, 'decline');
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ status: 'declined', transactionId: null });
    expect(await liveSales(listing.id)).toEqual([]);
    await eventually(async () =>
      (await notificationsOf(ctx.seller.id, 'second_chance_declined')).some(
        (n) => (n.data as { offerId?: string }).offerId === made.body.id,
      ),
    );
  });

  it('expired after 48 h (the job, idempotent) → nothing sold; accepting late → 409', async () => {
    const { listing } = await unpaidAuction();
    const made = await offer(ctx.seller, listing.id);
    expect(await expireOffer(ctx.env.deps, made.body.id)).toBe('not_due');
    await setOfferExpiry(made.body.id, -1);
    expectProblem(await answer(ctx.bob, made.body.id, 'accept'), 409, 'offer_expired');
    expect(await expireOffer(ctx.env.deps, made.body.id)).toBe('expired');
    expect(await expireOffer(ctx.env.deps, made.body.id)).toBe('not_pending');
    expectProblem(await answer(ctx.bob, made.body.id, 'accept'), 409, 'offer_not_pending');
    expect(await liveSales(listing.id)).toEqual([]);
    await eventually(async () =>
      (await notificationsOf(ctx.seller.id, 'second_chance_declined')).some(
        (n) => (n.data as { offerId?: string }).offerId === made.body.id,
      ),
    );
  });

  it('the expiry job is in the catalogue and runs on the real worker at the end of the window', async () => {
    const { listing } = await unpaidAuction();
    const made = await offer(ctx.seller, listing.id);
    await setOfferExpiry(made.body.id, 0);
    // The same job the offer queued, re-queued as the outbox would for an expiry that is due now.
    await ctx.env.deps.queues.auctions.add('offer.expire', { offerId: made.body.id }, { jobId: `offer-expire-now-${made.body.id}` });
    await eventually(
      async () =>
        (await db().selectFrom('secondChanceOffers').select('status').where('id', '=', made.body.id).executeTakeFirst())?.status ===
        'expired',
    );
  });

  it('only the seller may offer (403; a stranger’s draft 404); only the runner-up may answer (seller 403, others 404)', async () => {
    const { listing, carol, winner } = await unpaidAuction();
    expectProblem(await offer(ctx.bob, listing.id), 403, 'not_listing_seller');
    expectProblem(await offer(ctx.seller, '00000000-0000-4000-8000-000000000000'), 404, 'not_found');
    const made = await offer(ctx.seller, listing.id);
    expectProblem(await answer(ctx.seller, made.body.id, 'accept'), 403, 'not_offer_recipient');
    expectProblem(await answer(winner, made.body.id, 'accept'), 404, 'not_found');
    expectProblem(await answer(ctx.alice, made.body.id, 'accept'), 404, 'not_found');
    expectProblem(await answer(carol, made.body.id, 'decline'), 404, 'not_found');
    expectProblem(await answer(ctx.bob, '00000000-0000-4000-8000-000000000000', 'accept'), 404, 'not_found');
    expect(
      (await db().selectFrom('secondChanceOffers').select('status').where('id', '=', made.body.id).executeTakeFirstOrThrow()).status,
    ).toBe('pending');
  });

  it('bad input: a malformed id → 400 naming the field; a sale still pending or never made → 409 not_offerable', async () => {
    const bad = await ctx.env.http.post('/v1/listings/not-a-uuid/second-chance').set(ctx.seller.auth).send();
    expectProblem(bad, 400);
    expect(bad.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'id' })]));
    const badOffer = await ctx.env.http.post('/v1/offers/nope/accept').set(ctx.bob.auth).send();
    expectProblem(badOffer, 400);
    expect(badOffer.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'id' })]));
    const unsold = await createActiveListing(ctx.env.deps, ctx.seller.id, {});
    expectProblem(await offer(ctx.seller, unsold.id), 409, 'not_offerable');
    expectProblem(await ctx.env.http.post(`/v1/listings/${unsold.id}/second-chance`).send(), 401);
  });

  it('skips a runner-up whose strikes bar buying (they could not accept): the offer goes to the next bidder', async () => {
    const { listing, carol } = await unpaidAuction();
    // Bob (8000) has two recent non-payments: accepting would be refused 403 bidding_suspended, and the
    // one offer this unpaid sale allows would be spent on him. Carol (7000) is the runner-up who can buy.
    const strikes = await db()
      .insertInto('nonPaymentStrikes')
      .values([1, 2].map((days) => ({ userId: ctx.bob.id, createdAt: sql<Date>`now() - make_interval(days => ${days})` })))
      .returning('id')
      .execute();
    try {
      const made = await offer(ctx.seller, listing.id);
      expect([made.status, made.body.bidderId, made.body.amountCents]).toEqual([201, carol.id, 7000]);
    } finally {
      await db().deleteFrom('nonPaymentStrikes').where('id', 'in', strikes.map((s) => s.id)).execute();
    }
  });

  it('no other bidder → 409 no_runner_up', async () => {
    const listing = await createActiveListing(ctx.env.deps, ctx.seller.id, {
      auctionType: 'both',
      startingPriceCents: 5000,
      buyNowPriceCents: 10_000,
    });
    const buyer = await createUser(ctx.env.deps);
    const bought = await ctx.env.http.post(`/v1/listings/${listing.id}/buy-now`).set(buyer.auth).send();
    expect(bought.status).toBe(201);
    await db()
      .updateTable('transactions')
      .set({ paymentDueAt: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', bought.body.transaction.id)
      .execute();
    expect(await enforcePaymentDeadline(ctx.env.deps, bought.body.transaction.id)).toBe('cancelled');
    expectProblem(await offer(ctx.seller, listing.id), 409, 'no_runner_up');
  });
});

describe('second-chance offer and the seller’s standing', () => {
  const suspend = (userId: string) => db().updateTable('users').set({ suspendedAt: new Date() }).where('id', '=', userId).execute();

  it('a suspended seller cannot make an offer (403 account_suspended, as for listing): nothing offered', async () => {
    const seller = await createUser(ctx.env.deps, { displayName: 'Suspended Sid' });
    const { listing } = await unpaidAuction(seller);
    await suspend(seller.id);
    expectProblem(await offer(seller, listing.id), 403, 'account_suspended');
    expect(await db().selectFrom('secondChanceOffers').select('id').where('listingId', '=', listing.id).execute()).toEqual([]);
  });

  it('an offer made before the seller was suspended is still honoured, as the suspended seller’s live auctions still sell', async () => {
    const seller = await createUser(ctx.env.deps, { displayName: 'Later Suspended' });
    const { listing } = await unpaidAuction(seller);
    const made = await offer(seller, listing.id);
    expect(made.status).toBe(201);
    await suspend(seller.id);
    const accepted = await answer(ctx.bob, made.body.id, 'accept');
    expect(accepted.status).toBe(201);
    expect(accepted.body.transaction).toMatchObject({ sellerId: seller.id, buyerId: ctx.bob.id, status: 'pending_payment' });
  });

  it('a seller with a pending offer cannot delete the account (409, obligation second_chance_offer); once it is answered they can', async () => {
    const seller = await createUser(ctx.env.deps, { displayName: 'Leaving Lee' });
    const { listing } = await unpaidAuction(seller);
    const made = await offer(seller, listing.id);
    expect(made.status).toBe(201);
    const refused = await ctx.env.http.delete('/v1/users/me').set(seller.auth);
    expectProblem(refused, 409, 'account_has_open_obligations');
    expect(refused.body.obligation).toBe('second_chance_offer');
    expect((await db().selectFrom('users').select('deletedAt').where('id', '=', seller.id).executeTakeFirstOrThrow()).deletedAt).toBeNull();
    expect((await answer(ctx.bob, made.body.id, 'decline')).status).toBe(200);
    expect((await ctx.env.http.delete('/v1/users/me').set(seller.auth)).status).toBe(204);
  });

  it('an offer whose seller’s account is deleted cannot be accepted (404, deleted rows are absent): nothing sold', async () => {
    const seller = await createUser(ctx.env.deps, { displayName: 'Gone Gail' });
    const { listing, winner } = await unpaidAuction(seller);
    const made = await offer(seller, listing.id);
    expect(made.status).toBe(201);
    // As a deletion leaves them (user and listings with one time): an offer pending from before deletions were refused for it.
    const deletedAt = new Date();
    await db().updateTable('users').set({ deletedAt }).where('id', '=', seller.id).execute();
    await db().updateTable('listings').set({ deletedAt }).where('sellerId', '=', seller.id).execute();
    expectProblem(await answer(ctx.bob, made.body.id, 'accept'), 404, 'not_found');
    expect(await liveSales(listing.id)).toEqual([]);
    expect((await db().selectFrom('listings').select('winnerId').where('id', '=', listing.id).executeTakeFirstOrThrow()).winnerId).toBe(
      winner.id,
    );
  });

  it('an offer racing the seller’s account deletion waits for the account lock and finds the listing gone (404): no offer left behind', async () => {
    const seller = await createUser(ctx.env.deps, { displayName: 'Racing Rae' });
    const { listing } = await unpaidAuction(seller);
    const deletion = new Client({ connectionString: ctx.env.databaseUrl });
    await deletion.connect();
    try {
      // The deletion in flight, past its obligations check: the account row locked as deleteAccount locks it.
      await deletion.query('BEGIN');
      await deletion.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [seller.id]);
      const made = offer(seller, listing.id).then((res) => res);
      await waitForLockWaiter(deletion);
      await deletion.query('UPDATE users SET deleted_at = now() WHERE id = $1', [seller.id]);
      await deletion.query('UPDATE listings SET deleted_at = now() WHERE seller_id = $1', [seller.id]);
      await deletion.query('COMMIT');
      expectProblem(await made, 404, 'not_found');
    } finally {
      await deletion.end();
    }
    expect(await db().selectFrom('secondChanceOffers').select('id').where('listingId', '=', listing.id).execute()).toEqual([]);
  });
});

describe('second-chance offer and relist: one item, one more sale', () => {
  const relist = (listingId: string) => ctx.env.http.post(`/v1/listings/${listingId}/relist`).set(ctx.seller.auth).send();

  it('while an offer is pending the listing is not relisted (409), and after a decline it may be', async () => {
    const { listing } = await unpaidAuction();
    const made = await offer(ctx.seller, listing.id);
    expect(made.status).toBe(201);
    expectProblem(await relist(listing.id), 409, 'second_chance_pending');
    expect(await db().selectFrom('listings').select('id').where('relistedFrom', '=', listing.id).execute()).toEqual([]);
    expect((await answer(ctx.bob, made.body.id, 'decline')).status).toBe(200);
    expect((await relist(listing.id)).status).toBe(201);
  });

  it('an offer past its 48 h no longer holds the relist back, even before the expiry job has marked it', async () => {
    const { listing } = await unpaidAuction();
    const made = await offer(ctx.seller, listing.id);
    expect(made.status).toBe(201);
    // The window is over (the expiry job is late: workers down, or its retries spent): nobody can accept it.
    await setOfferExpiry(made.body.id, -1);
    expectProblem(await answer(ctx.bob, made.body.id, 'accept'), 409, 'offer_expired');
    expect((await relist(listing.id)).status).toBe(201);
  });

  it('an accept begun just before the window closed, overtaken by a relist just after, sells nothing (one item, one more sale)', async () => {
    const { listing } = await unpaidAuction();
    const made = await offer(ctx.seller, listing.id);
    expect(made.status).toBe(201);
    await setOfferExpiry(made.body.id, 1);
    const gate = new Client({ connectionString: ctx.env.databaseUrl });
    await gate.connect();
    try {
      // The accept takes the offer in time, then is held at the runner-up's account row…
      await gate.query('BEGIN');
      await gate.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [ctx.bob.id]);
      const accepted = answer(ctx.bob, made.body.id, 'accept').then((res) => res);
      await waitForLockWaiter(gate);
      // …while the window closes and the seller relists (the offer is lapsed by now).
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await relist(listing.id)).status).toBe(201);
      await gate.query('COMMIT');
      expectProblem(await accepted, 409, 'offer_expired');
    } finally {
      await gate.query('ROLLBACK').catch(() => undefined);
      await gate.end();
    }
    expect(await liveSales(listing.id)).toEqual([]);
  });

  it('a relisted item is not offered to the runner-up as well (409 already_relisted naming the draft)', async () => {
    const { listing } = await unpaidAuction();
    const copy = await relist(listing.id);
    expect(copy.status).toBe(201);
    const refused = await offer(ctx.seller, listing.id);
    expectProblem(refused, 409, 'already_relisted');
    expect(refused.body).toMatchObject({ listingId: copy.body.id });
    expect(await db().selectFrom('secondChanceOffers').select('id').where('listingId', '=', listing.id).execute()).toEqual([]);
  });

  it('an offer accepted while a relist was being decided leaves no relist: the relist re-reads the sale under the lock', async () => {
    const { listing } = await unpaidAuction();
    const made = await offer(ctx.seller, listing.id);
    const [accepted, copy] = await Promise.all([answer(ctx.bob, made.body.id, 'accept'), relist(listing.id)]);
    expect(accepted.status).toBe(201);
    expectProblem(copy, 409);
    expect(await db().selectFrom('listings').select('id').where('relistedFrom', '=', listing.id).execute()).toEqual([]);
  });
});
