import QRCode from 'qrcode';
import { startRealtime, type RealtimeServer } from '../../realtime/io';
import { purgeDeletedAccounts } from '../../src/flows/account-lifecycle';
import { ERASED_MESSAGE } from '../../src/modules/chat';
import { sendNotification } from '../../src/modules/notifications';
import { SCHEDULES } from '../../src/shared/jobs/catalogue';
import { buyNowSale, ledgerOf, openWallet, payAndFund, simulateVerify, waitForStatus } from '../escrow/helpers';
import { createTransaction } from '../escrow-handover/support';
import { inMinutes, zoneAt } from '../meetups/support';
import { createActiveListing, eventually } from '../support/fixtures';
import { createUser, newPhone, openSession, type TestUser } from '../support/harness';
import { expectProblem, lastCodeFor } from '../support/http';
import { createStripeTestEnv, type StripeTestEnv } from '../support/stripe';
import { closeAllClients, openClient, refusal } from '../realtime/realtime-support';

let env: StripeTestEnv;
let rt: RealtimeServer;

beforeAll(async () => {
  env = await createStripeTestEnv({ env: { SOFT_CLOSE_WINDOW_SEC: '0' } });
  rt = await startRealtime(await env.sibling(), 0);
});
afterAll(async () => {
  closeAllClients();
  await rt.stop();
  await env.close();
});

const DAY_MS = 24 * 60 * 60 * 1000;

async function signIn(phoneNumber: string) {
  expect((await env.http.post('/v1/auth/phone/send-code').send({ phoneNumber })).status).toBe(202);
  const code = lastCodeFor(env.sms, phoneNumber)!;
  const res = await env.http.post('/v1/auth/phone/verify').send({ phoneNumber, code });
  expect(res.status).toBe(200);
  return res.body as { accessToken: string; refreshToken: string; restorable?: boolean; user: { id: string; deletedAt: string | null } };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function releasedSale(seller: TestUser, buyer: TestUser) {
  await openWallet(env, seller);
  const tx = await buyNowSale(env, seller, buyer, 10_000);
  await payAndFund(env, buyer, tx.id);
  await simulateVerify(env.deps, tx.id);
  return waitForStatus(env.deps, tx.id, 'released');
}

describe('DELETE /v1/users/me: refused while obligations are open', () => {
  it('answers 409 account_has_open_obligations to both parties of a sale awaiting payment', async () => {
    const seller = await createUser(env.deps);
    const buyer = await createUser(env.deps);
    await buyNowSale(env, seller, buyer, 5_000);
    expectProblem(await env.http.delete('/v1/users/me').set(buyer.auth), 409, 'account_has_open_obligations');
    expectProblem(await env.http.delete('/v1/users/me').set(seller.auth), 409, 'account_has_open_obligations');
    expect((await env.http.get('/v1/users/me').set(buyer.auth)).status).toBe(200);
  });

  it('answers 409 to a seller whose auction is live with bids', async () => {
    const seller = await createUser(env.deps);
    const bidder = await createUser(env.deps);
    const listing = await createActiveListing(env.deps, seller.id, { startingPriceCents: 1_000 });
    expect((await env.http.post(`/v1/listings/${listing.id}/bids`).set(bidder.auth).send({ maxAmountCents: 1_500 })).status).toBe(201);
    expectProblem(await env.http.delete('/v1/users/me').set(seller.auth), 409, 'account_has_open_obligations');
    expect((await env.http.get(`/v1/listings/${listing.id}`)).status).toBe(200);
  });

  it('answers 409 to a bidder whose bid is live on someone else’s auction, and accepts once that auction is over', async () => {
    const seller = await createUser(env.deps);
    const bidder = await createUser(env.deps);
    const listing = await createActiveListing(env.deps, seller.id, { startingPriceCents: 1_000 });
    expect((await env.http.post(`/v1/listings/${listing.id}/bids`).set(bidder.auth).send({ maxAmountCents: 5_000 })).status).toBe(201);
    // Their stored maximum would keep outbidding others and could win a sale nobody can pay.
    const refused = await env.http.delete('/v1/users/me').set(bidder.auth);
    expectProblem(refused, 409, 'account_has_open_obligations');
    expect(refused.body).toMatchObject({ obligation: 'live_bid', detail: expect.stringMatching(/bid/) });
    expect((await env.http.get('/v1/users/me').set(bidder.auth)).status).toBe(200);

    // An auction that is no longer live holds nothing back.
    await env.deps.db.updateTable('listings').set({ status: 'ended_unsold' }).where('id', '=', listing.id).execute();
    expect((await env.http.delete('/v1/users/me').set(bidder.auth)).status).toBe(204);
  });
});

describe('DELETE /v1/users/me → 404 everywhere, every session and socket cut, restore within 30 days', () => {
  it('lets a restore-only session sign out (204) without restoring the account', async () => {
    const phone = newPhone();
    const first = await signIn(phone);
    expect((await env.http.delete('/v1/users/me').set(bearer(first.accessToken))).status).toBe(204);
    const back = await signIn(phone);
    expect(back.restorable).toBe(true);
    expect((await env.http.delete('/v1/auth/logout').set(bearer(back.accessToken))).status).toBe(204);
    expectProblem(await env.http.get('/v1/users/me/export').set(bearer(back.accessToken)), 401, 'session_revoked');
    expectProblem(await env.http.post('/v1/auth/refresh').send({ refreshToken: back.refreshToken }), 401);
    expect((await signIn(phone)).user.deletedAt).not.toBeNull();
  });

  it('deletes, then signs back in with a restore-only session and restores the account and its listings', async () => {
    const phone = newPhone();
    const first = await signIn(phone);
    const userId = first.user.id;
    const second = await openSession(env.deps, { id: userId, role: 'user' });
    const listing = await createActiveListing(env.deps, userId);
    const viewer = await createUser(env.deps);
    const socket = await openClient(rt.port, first.accessToken);
    const otherSocket = await openClient(rt.port, second.accessToken);
    const disconnected = new Promise<string>((resolve) => socket.socket.once('disconnect', (reason) => resolve(reason)));
    const otherDisconnected = new Promise<string>((resolve) => otherSocket.socket.once('disconnect', (reason) => resolve(reason)));

    expect((await env.http.delete('/v1/users/me').set(bearer(first.accessToken))).status).toBe(204);
    expect(await disconnected).toBe('io server disconnect');
    expect(await otherDisconnected).toBe('io server disconnect');
    expect(socket.events('session_expired')).toEqual([{ error: expect.objectContaining({ status: 401, code: 'session_revoked' }) }]);

    // Every session: both access tokens refused at once, both refresh tokens dead, no socket reopens.
    expectProblem(await env.http.get('/v1/users/me').set(bearer(first.accessToken)), 401, 'session_revoked');
    expectProblem(await env.http.get('/v1/users/me').set(second.auth), 401, 'session_revoked');
    expectProblem(await env.http.post('/v1/auth/refresh').send({ refreshToken: second.refreshToken }), 401);
    expect(await refusal(rt.port, first.accessToken)).toMatchObject({ status: 401, code: 'session_revoked' });

    // The user, their listing and their public profile are absent.
    expectProblem(await env.http.get(`/v1/users/${userId}/profile`).set(viewer.auth), 404);
    expectProblem(await env.http.get(`/v1/listings/${listing.id}`), 404);
    expectProblem(await env.http.get(`/v1/listings/${listing.id}`).set(viewer.auth), 404);

    // Signing in again within 30 days: the deleted account, restorable, with a session good only for restore and export.
    const back = await signIn(phone);
    expect(back).toMatchObject({ restorable: true, user: { id: userId, deletedAt: expect.any(String) } });
    expectProblem(await env.http.get('/v1/users/me').set(bearer(back.accessToken)), 403, 'account_deleted');
    expectProblem(await env.http.get(`/v1/listings/${listing.id}`).set(bearer(back.accessToken)), 403, 'account_deleted');
    expect(await refusal(rt.port, back.accessToken)).toMatchObject({ status: 403, code: 'account_deleted' });
    const exported = await env.http.get('/v1/users/me/export').set(bearer(back.accessToken));
    expect(exported.status).toBe(200);
    expect(exported.body.listings.map((l: { id: string }) => l.id)).toEqual([listing.id]);

    const restored = await env.http.post('/v1/users/me/restore').set(bearer(back.accessToken)).send({});
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ user: { id: userId, deletedAt: null } });
    expect(restored.body.restorable).toBeUndefined();
    // The restore-only session ended; the new ordinary one works everywhere.
    expectProblem(await env.http.get('/v1/users/me/export').set(bearer(back.accessToken)), 401, 'session_revoked');
    const me = await env.http.get('/v1/users/me').set(bearer(restored.body.accessToken));
    expect(me.body).toMatchObject({ id: userId, phoneNumber: phone, deletedAt: null });
    expect((await env.http.get(`/v1/listings/${listing.id}`)).status).toBe(200);
    expect((await env.http.get(`/v1/users/${userId}/profile`).set(viewer.auth)).status).toBe(200);
    expectProblem(await env.http.post('/v1/users/me/restore').set(bearer(restored.body.accessToken)).send({}), 409, 'account_not_deleted');
  });

  it('unregisters the push devices of every session it ends: a restore does not push to the phones the deletion signed out', async () => {
    const phone = newPhone();
    const first = await signIn(phone);
    const userId = first.user.id;
    const second = await openSession(env.deps, { id: userId, role: 'user' });
    expect((await env.http.post('/v1/users/me/devices').set(bearer(first.accessToken)).send({ token: 'deleted-phone-token-1', platform: 'ios' })).status).toBe(200);
    expect((await env.http.post('/v1/users/me/devices').set(second.auth).send({ token: 'deleted-phone-token-2', platform: 'android' })).status).toBe(200);

    expect((await env.http.delete('/v1/users/me').set(bearer(first.accessToken))).status).toBe(204);
    // Signed out on both phones, as a logout would: their tokens go with the sessions.
    expect(await env.deps.db.selectFrom('devices').select('token').where('userId', '=', userId).execute()).toEqual([]);

    const back = await signIn(phone);
    const restored = await env.http.post('/v1/users/me/restore').set(bearer(back.accessToken)).send({});
    expect(restored.status).toBe(200);
    const pushedBefore = env.push.sent.length;
    const n = { userId, type: 'outbid' as const, dedupeKey: `after-restore-${userId}`, text: { key: 'new_message' as const, params: { preview: 'Hi' } }, data: {} };
    expect(await sendNotification(env.deps, n)).toBe('sent');
    expect(env.push.sent.slice(pushedBefore).map((m) => m.token)).toEqual([]);
  });

  it('does not let a device registration racing the deletion keep a push token on the deleted account', async () => {
    const phone = newPhone();
    const first = await signIn(phone);
    const userId = first.user.id;
    // The deletion in flight: the account locked and marked deleted, its devices already gone, not yet committed.
    let registered: Promise<{ status: number }> | undefined;
    await env.deps.db.transaction().execute(async (trx) => {
      await trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
      await trx.updateTable('users').set({ deletedAt: new Date() }).where('id', '=', userId).execute();
      await trx.deleteFrom('devices').where('userId', '=', userId).execute();
      // The phone's access token is still good until the deletion revokes its session after the commit.
      registered = env.http.post('/v1/users/me/devices').set(bearer(first.accessToken)).send({ token: 'racing-phone-token-1', platform: 'ios' }).then((r) => r);
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    expect((await registered!).status).toBe(401);
    expect(await env.deps.db.selectFrom('devices').select('token').where('userId', '=', userId).execute()).toEqual([]);
  });

  it('keeps a listing deleted on its own deleted after a restore (only the account’s own deletion is undone)', async () => {
    const phone = newPhone();
    const first = await signIn(phone);
    const gone = await createActiveListing(env.deps, first.user.id, { status: 'draft' });
    await env.deps.db.updateTable('listings').set({ deletedAt: new Date(Date.now() - DAY_MS) }).where('id', '=', gone.id).execute();
    expect((await env.http.delete('/v1/users/me').set(bearer(first.accessToken))).status).toBe(204);
    const back = await signIn(phone);
    expect((await env.http.post('/v1/users/me/restore').set(bearer(back.accessToken)).send({})).status).toBe(200);
    const row = await env.deps.db.selectFrom('listings').select('deletedAt').where('id', '=', gone.id).executeTakeFirstOrThrow();
    expect(row.deletedAt).not.toBeNull();
  });
});

describe('the purge after 30 days', () => {
  it('is a scheduled job of the catalogue', () => {
    expect(SCHEDULES).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'maintenance.purge_accounts', queue: 'maintenance' })]));
  });

  it('removes personal data, keeps the released sale with an anonymous party and a balanced ledger; a new sign-up is a new account', async () => {
    const phone = newPhone();
    const signedIn = await signIn(phone);
    const seller: TestUser = { id: signedIn.user.id, phone, role: 'user', ...signedIn, auth: bearer(signedIn.accessToken) };
    const buyer = await createUser(env.deps);
    expect((await env.http.patch('/v1/users/me').set(seller.auth).send({ displayName: 'Sally Seller' })).status).toBe(200);
    const sale = await releasedSale(seller, buyer);
    expect((await env.http.post(`/v1/transactions/${sale.id}/messages`).set(seller.auth).send({ content: 'Thanks, my number is 555-0100' })).status).toBe(201);
    const rated = await env.http.post(`/v1/transactions/${sale.id}/rating`).set(seller.auth).send({ score: 5, comment: 'Great buyer, text me at 555-0100' });
    expect(rated.status).toBe(201);
    expect((await env.http.post('/v1/users/me/devices').set(seller.auth).send({ token: 'device-token-of-sally', platform: 'ios' })).status).toBeLessThan(300);
    const watched = await createActiveListing(env.deps, buyer.id);
    expect((await env.http.post(`/v1/listings/${watched.id}/watch`).set(seller.auth)).status).toBeLessThan(300);
    const before = await ledgerOf(env.deps, sale.id);

    expect((await env.http.delete('/v1/users/me').set(seller.auth)).status).toBe(204);
    // Inside the window nothing is purged.
    expect(await purgeDeletedAccounts(env.deps, new Date(Date.now() + 29 * DAY_MS))).toEqual({ purged: 0 });
    const later = new Date(Date.now() + 31 * DAY_MS);
    const first = await purgeDeletedAccounts(env.deps, later, 1);
    expect(first.purged).toBeGreaterThanOrEqual(1);
    expect(await purgeDeletedAccounts(env.deps, later)).toEqual({ purged: 0 });

    const row = await env.deps.db.selectFrom('users').selectAll().where('id', '=', seller.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ phoneNumber: `purged:${seller.id}`, displayName: null, email: null, avatarUrl: null, purgedAt: later });
    expect(await env.deps.db.selectFrom('devices').select('token').where('userId', '=', seller.id).execute()).toEqual([]);
    // What they watched says what they were interested in: it goes too.
    expect(await env.deps.db.selectFrom('watches').select('listingId').where('userId', '=', seller.id).execute()).toEqual([]);
    expect((await env.http.get(`/v1/listings/${watched.id}`).set(buyer.auth)).body.watchCount).toBe(0);
    const texts = await env.deps.db.selectFrom('messages').select('content').where('senderId', '=', seller.id).execute();
    expect(texts).toEqual([{ content: ERASED_MESSAGE }]);
    // The rating stays (the buyer's average is theirs), its comment in the seller's words goes.
    expect(await env.deps.db.selectFrom('ratings').select(['score', 'comment']).where('raterId', '=', seller.id).execute()).toEqual([
      { score: 5, comment: null },
    ]);

    // Money records stay, pointing at the anonymized party, and still balance.
    const tx = await env.deps.db.selectFrom('transactions').selectAll().where('id', '=', sale.id).executeTakeFirstOrThrow();
    expect(tx).toMatchObject({ sellerId: seller.id, status: 'released', amountCents: 10_000 });
    const after = await ledgerOf(env.deps, sale.id);
    expect(after).toEqual(before);
    expect(after.escrow).toBe(0);
    for (const movement of after.movements) expect(movement.sum).toBe(0);

    const again = await signIn(phone);
    expect(again.user.id).not.toBe(seller.id);
    expect(again.restorable).toBeUndefined();
    expect((await env.http.get('/v1/users/me').set(bearer(again.accessToken))).body).toMatchObject({ id: again.user.id, displayName: null, deletedAt: null });
  });
});

describe('GET /v1/users/me/export', () => {
  it('holds every personal record of the caller, and only the caller’s', async () => {
    const seller = await createUser(env.deps, { displayName: 'Exporting Ella' });
    const buyer = await createUser(env.deps, { displayName: 'Other Otto' });
    const listing = await createActiveListing(env.deps, seller.id, { startingPriceCents: 1_000 });
    expect((await env.http.post(`/v1/listings/${listing.id}/bids`).set(buyer.auth).send({ maxAmountCents: 1_200 })).status).toBe(201);
    const sale = await buyNowSale(env, seller, buyer, 3_000);
    expect((await env.http.post(`/v1/transactions/${sale.id}/messages`).set(buyer.auth).send({ content: 'See you at noon' })).status).toBe(201);
    expect((await env.http.post('/v1/users/me/devices').set(buyer.auth).send({ token: 'device-token-of-otto', platform: 'android' })).status).toBeLessThan(300);
    await eventually(() => env.deps.db.selectFrom('notifications').select('id').where('userId', '=', buyer.id).executeTakeFirst());
    // The rest of what the buyer did: a watch, a preference, a meetup proposal, a dispute; and an offer made to them.
    expect((await env.http.post(`/v1/listings/${listing.id}/watch`).set(buyer.auth)).status).toBeLessThan(300);
    const prefs = await env.http.put('/v1/users/me/notification-preferences').set(buyer.auth).send({ preferences: { outbid: { push: false } } });
    expect(prefs.status).toBe(200);
    const funded = await createTransaction(env.deps, { buyerId: buyer.id, sellerId: seller.id });
    const zoneId = await zoneAt(env);
    const meetup = await env.http
      .post(`/v1/transactions/${funded.id}/meetup`)
      .set(buyer.auth)
      .send({ safeZoneId: zoneId, startsAt: inMinutes(24 * 60).toISOString() });
    expect(meetup.status).toBe(201);
    const dispute = await env.http
      .post(`/v1/transactions/${funded.id}/dispute`)
      .set(buyer.auth)
      .send({ reason: 'item_not_as_described', details: 'The lamp has a cracked base' });
    expect(dispute.status).toBe(201);
    const offer = await env.deps.db
      .insertInto('secondChanceOffers')
      .values({ listingId: listing.id, unpaidTransactionId: sale.id, sellerId: seller.id, bidderId: buyer.id, amountCents: 1_200, expiresAt: inMinutes(60) })
      .returning('id')
      .executeTakeFirstOrThrow();

    const mine = await env.http.get('/v1/users/me/export').set(buyer.auth);
    expect(mine.status).toBe(200);
    expect(mine.body.profile).toMatchObject({ id: buyer.id, phoneNumber: buyer.phone, displayName: 'Other Otto' });
    expect(mine.body.bids).toEqual([expect.objectContaining({ listingId: listing.id, bidderId: buyer.id })]);
    expect(mine.body.transactions.map((t: { id: string }) => t.id).sort()).toEqual([sale.id, funded.id].sort());
    expect(mine.body.watchlist).toEqual([expect.objectContaining({ listingId: listing.id })]);
    expect(mine.body.disputes).toEqual([
      expect.objectContaining({ id: dispute.body.id, transactionId: funded.id, reason: 'item_not_as_described', details: 'The lamp has a cracked base' }),
    ]);
    expect(mine.body.notificationPreferences).toMatchObject({ outbid: { push: false }, won: { push: true, sms: true } });
    expect(mine.body.meetups).toEqual([expect.objectContaining({ id: meetup.body.id, transactionId: funded.id, safeZoneId: zoneId, proposedBy: buyer.id })]);
    expect(mine.body.secondChanceOffers).toEqual([expect.objectContaining({ id: offer.id, bidderId: buyer.id, amountCents: 1_200 })]);
    expect(mine.body.messages).toEqual([expect.objectContaining({ content: 'See you at noon', senderId: buyer.id })]);
    expect(mine.body.devices).toEqual([expect.objectContaining({ token: 'device-token-of-otto' })]);
    expect(mine.body.notifications.length).toBeGreaterThan(0);
    expect(mine.body.notifications.every((n: { userId: string }) => n.userId === buyer.id)).toBe(true);
    expect(mine.body.listings).toEqual([]);
    expect(mine.body.ratings).toEqual([]);

    // BOLA: the seller's export has the seller's listings and sale, none of the buyer's private records.
    const theirs = await env.http.get('/v1/users/me/export').set(seller.auth);
    expect(theirs.body.profile).toMatchObject({ id: seller.id, phoneNumber: seller.phone });
    expect(theirs.body.listings.map((l: { id: string }) => l.id)).toEqual(expect.arrayContaining([listing.id]));
    expect(theirs.body.bids).toEqual([]);
    expect(theirs.body.messages).toEqual([]);
    expect(theirs.body.devices).toEqual([]);
    expect(theirs.body.watchlist).toEqual([]);
    expect(theirs.body.disputes).toEqual([]);
    expect(theirs.body.meetups).toEqual([]);
    expect(theirs.body.notificationPreferences.outbid).toEqual({ push: true });
    // The seller made the offer: it is one of their records too.
    expect(theirs.body.secondChanceOffers).toEqual([expect.objectContaining({ id: offer.id, sellerId: seller.id })]);
    expect(JSON.stringify(theirs.body)).not.toContain('device-token-of-otto');
    expect(JSON.stringify(theirs.body)).not.toContain('cracked base');
    expect(theirs.body.notifications.every((n: { userId: string }) => n.userId === seller.id)).toBe(true);
    expectProblem(await env.http.get('/v1/users/me/export'), 401);
  });
});

describe('GET /v1/users/me/export of a seller whose auction is live', () => {
  it('never shows the seller the bidders’ hidden maxima or who they are (SPEC §2)', async () => {
    const seller = await createUser(env.deps);
    const bidderA = await createUser(env.deps);
    const bidderB = await createUser(env.deps);
    const listing = await createActiveListing(env.deps, seller.id, { startingPriceCents: 1_000 });
    expect((await env.http.post(`/v1/listings/${listing.id}/bids`).set(bidderA.auth).send({ maxAmountCents: 4_321 })).status).toBe(201);
    expect((await env.http.post(`/v1/listings/${listing.id}/bids`).set(bidderB.auth).send({ maxAmountCents: 2_345 })).status).toBe(201);

    const res = await env.http.get('/v1/users/me/export').set(seller.auth);
    expect(res.status).toBe(200);
    const exported = res.body.listings.find((l: { id: string }) => l.id === listing.id);
    expect(exported).toMatchObject({ id: listing.id, sellerId: seller.id, bidCount: 2 });
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('4321');
    expect(text).not.toContain('2345');
    expect(text).not.toContain(bidderA.id);
    expect(text).not.toContain(bidderB.id);
  });
});

describe('the purge after 30 days, seen by the other party', () => {
  it('erases the purged account’s chat text from the other party’s notifications too (the message previews)', async () => {
    const seller = await createUser(env.deps);
    const buyer = await createUser(env.deps);
    const sale = await releasedSale(seller, buyer);
    const said = 'Call me at 555-0199 any time';
    expect((await env.http.post(`/v1/transactions/${sale.id}/messages`).set(seller.auth).send({ content: said })).status).toBe(201);
    const previews = () =>
      env.deps.db.selectFrom('notifications').select('body').where('userId', '=', buyer.id).where('type', '=', 'new_message').execute();
    await eventually(async () => ((await previews()).some((n) => n.body.includes('555-0199')) ? true : undefined));

    expect((await env.http.delete('/v1/users/me').set(seller.auth)).status).toBe(204);
    expect((await purgeDeletedAccounts(env.deps, new Date(Date.now() + 31 * DAY_MS))).purged).toBeGreaterThanOrEqual(1);

    const inbox = await env.http.get('/v1/notifications').set(buyer.auth);
    expect(inbox.status).toBe(200);
    expect(JSON.stringify(inbox.body)).not.toContain('555-0199');
    expect(JSON.stringify(await previews())).not.toContain('555-0199');
    // The notification itself stays in the buyer's inbox: it is theirs.
    expect((await previews()).length).toBeGreaterThan(0);
  });

  it('deletes the purged account’s chat photos from storage; the other party’s stay', async () => {
    const seller = await createUser(env.deps);
    const buyer = await createUser(env.deps);
    const sale = await releasedSale(seller, buyer);
    const photo = await QRCode.toBuffer('my front door', { scale: 2 });
    const post = (user: TestUser) =>
      env.http.post(`/v1/transactions/${sale.id}/messages/images`).set(user.auth).attach('image', photo, { filename: 'p.png', contentType: 'image/png' });
    const mine = await post(seller);
    const theirs = await post(buyer);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    const served = async (url: string) => (await env.http.get(new URL(url).pathname)).status;
    expect(await served(mine.body.content as string)).toBe(200);

    expect((await env.http.delete('/v1/users/me').set(seller.auth)).status).toBe(204);
    expect((await purgeDeletedAccounts(env.deps, new Date(Date.now() + 31 * DAY_MS))).purged).toBeGreaterThanOrEqual(1);

    // Storage is a network call: the purge hands the photo to a job after its commit.
    await eventually(async () => ((await served(mine.body.content as string)) === 404 ? true : undefined));
    expect(await served(theirs.body.content as string)).toBe(200);
  });
});
