/**
 * BOLA / broken function-level authorization matrix (SPEC §4–5): every transaction, dispute, wallet,
 * rating, message and staff route, and the account routes of SPEC §9 (export, delete/restore,
 * notification preferences, watchlist, my bids, reviews, devices) × {anonymous, buyer, seller,
 * stranger, support, admin}. Each cell
 * gets a fresh transaction in the state the route needs, so cells cannot leak into each other; a
 * refused cell must also leave no trace (no token, dispute, rating, message, suspension…).
 * Expected: 401 anonymous; 404 for another user's private resource; 403 for a party acting outside
 * their role (and for staff routes without the role or permission).
 */
import type { Response } from 'supertest';
import type { Transaction, TransactionStatus } from '../../db/schema';
import { openDispute } from '../../src/modules/disputes';
import { allRoutes } from '../../src/routes';
import { createTransaction } from '../escrow-handover/support';
import type { TestUser } from '../support/harness';
import { createUser } from '../support/harness';
import { createActiveListing } from '../support/fixtures';
import { lastCodeFor } from '../support/http';
import { createStripeTestEnv, type StripeTestEnv } from '../support/stripe';

type Who = 'anonymous' | 'buyer' | 'seller' | 'stranger' | 'support' | 'admin';
const WHO: Who[] = ['anonymous', 'buyer', 'seller', 'stranger', 'support', 'admin'];

interface Fixture {
  tx: Transaction;
  disputeId?: string;
  token?: string;
  targetId?: string;
}

interface Case {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The route as declared (checked against src/routes.ts for coverage). */
  route: string;
  /** Variant label when one route is tested in two states. */
  variant?: string;
  setup: () => Promise<Fixture>;
  path: (f: Fixture) => string;
  body?: (f: Fixture) => Record<string, unknown>;
  query?: Record<string, string>;
  expect: Record<Who, number>;
  /** Allowed answers when more than one is right (e.g. 201 created / 200 existing). */
  okStatuses?: number[];
  /** True once the route's side effect happened (must be true exactly for allowed mutating cells). */
  effect?: (f: Fixture) => Promise<boolean>;
  /** A photo sent as multipart field `image` instead of a JSON body. */
  attach?: Buffer;
  /** Extra assertions on an allowed answer (e.g. a list shows only the caller's own rows). */
  check?: (who: Who, f: Fixture, res: Response) => void;
}

/** The smallest valid PNG (1×1, transparent): what an evidence upload carries in this matrix. */
const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

let env: StripeTestEnv;
const users = {} as Record<Exclude<Who, 'anonymous'>, TestUser>;

beforeAll(async () => {
  env = await createStripeTestEnv({ workers: false });
  const [buyer, seller, stranger, support, admin] = await Promise.all([
    createUser(env.deps, { displayName: 'Buyer' }),
    createUser(env.deps, { displayName: 'Seller' }),
    createUser(env.deps, { displayName: 'Stranger' }),
    createUser(env.deps, { role: 'support' }),
    createUser(env.deps, { role: 'admin' }),
  ]);
  Object.assign(users, { buyer, seller, stranger, support, admin });
}, 60_000);
afterAll(async () => {
  await env.close();
});

const db = () => env.deps.db;
const tx =
  (status: TransactionStatus = 'in_escrow') =>
  async (): Promise<Fixture> => ({
    tx: await createTransaction(env.deps, { buyerId: users.buyer.id, sellerId: users.seller.id, status }),
  });
const disputed = async (): Promise<Fixture> => {
  const f = await tx('in_escrow')();
  const dispute = await db()
    .transaction()
    .execute(async (trx) => {
      const locked = await trx.selectFrom('transactions').selectAll().where('id', '=', f.tx.id).forUpdate().executeTakeFirstOrThrow();
      return openDispute(trx, locked, { source: 'party', openedBy: users.buyer.id, reason: 'damaged', details: 'Dented.' });
    });
  return { ...f, disputeId: dispute.id };
};
const withToken = async (): Promise<Fixture> => {
  const f = await tx('in_escrow')();
  const res = await env.http.get(`/v1/transactions/${f.tx.id}/qr`).set(users.buyer.auth);
  return { ...f, token: res.body.token as string };
};
const withChat = async (): Promise<Fixture> => {
  const f = await tx('in_escrow')();
  await db()
    .insertInto('messages')
    .values([
      { transactionId: f.tx.id, senderId: users.buyer.id, type: 'text', content: 'hi from the buyer' },
      { transactionId: f.tx.id, senderId: users.seller.id, type: 'text', content: 'hi from the seller' },
    ])
    .execute();
  return f;
};
const withTarget = (suspended: boolean) => async (): Promise<Fixture> => {
  const target = await createUser(env.deps);
  if (suspended) await db().updateTable('users').set({ suspendedAt: new Date() }).where('id', '=', target.id).execute();
  return { ...(await tx('in_escrow')()), targetId: target.id };
};
const count = async (table: 'pickupTokens' | 'disputes' | 'ratings' | 'messages', txId: string) =>
  (await db().selectFrom(table).select('id').where('transactionId', '=', txId).execute()).length;
const meetupStatuses = async (txId: string) =>
  (await db().selectFrom('meetups').select('status').where('transactionId', '=', txId).execute()).map((m) => m.status);
const withZone = async (): Promise<Fixture> => {
  const zone = await db()
    .insertInto('safeZones')
    .values({ name: `BOLA zone ${Math.random()}`, address: '1 Test St', kind: 'library', lat: 43.65, lng: -79.38, timezone: 'America/Toronto' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ...(await tx('in_escrow')()), targetId: zone.id };
};
const meetupAt = () => new Date(Date.now() + 86_400_000).toISOString();
/** A transaction with a meetup the seller proposed (so the buyer is the one who may accept). */
const withProposal = async (): Promise<Fixture> => {
  const f = await withZone();
  const res = await env.http.post(`/v1/transactions/${f.tx.id}/meetup`).set(users.seller.auth).send({ safeZoneId: f.targetId, startsAt: meetupAt() });
  if (res.status !== 201) throw new Error(`meetup proposal failed: ${res.status}`);
  return f;
};
/** An active listing of the seller on which the buyer holds the lead (one bid, seeded as the engine stores it). */
const withBuyerBid = async (): Promise<Fixture> => {
  const f = await tx()();
  const listing = await createActiveListing(env.deps, users.seller.id, { title: 'BOLA bid', endsInMs: 48 * 3_600_000 });
  const requestId = `bola-${listing.id}`;
  const now = new Date();
  await db()
    .insertInto('bidRequests')
    .values({ requestId, listingId: listing.id, bidderId: users.buyer.id, maxAmountCents: 900, receivedAt: now, accepted: true, result: JSON.stringify({ ok: true }) })
    .execute();
  const bid = await db()
    .insertInto('bids')
    .values({ listingId: listing.id, bidderId: users.buyer.id, seq: 1, amountCents: 500, maxAmountCents: 900, isAutoBid: false, requestId, receivedAt: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db().insertInto('listingBidders').values({ listingId: listing.id, bidderId: users.buyer.id, alias: 'b***1', lastBidAt: now }).execute();
  await db()
    .updateTable('listings')
    .set({ leaderId: users.buyer.id, leaderMaxCents: 900, leaderSeq: 1, bidCount: 1 })
    .where('id', '=', listing.id)
    .execute();
  return { ...f, targetId: bid.id, token: listing.id };
};
const withBuyerDevice = async (): Promise<Fixture> => {
  const token = `bola-device-${Math.random().toString(36).slice(2)}-buyer`;
  await db().insertInto('devices').values({ token, userId: users.buyer.id, platform: 'ios' }).execute();
  return { ...(await tx()()), token };
};
const withSellerReview = async (): Promise<Fixture> => {
  const f = await tx('released')();
  await db().insertInto('ratings').values({ transactionId: f.tx.id, raterId: users.buyer.id, rateeId: users.seller.id, score: 4, comment: 'Fine' }).execute();
  return f;
};
/** The buyer has switched `sold` pushes off: only the buyer may read that choice back. */
const withBuyerPreference = async (): Promise<Fixture> => {
  await db()
    .insertInto('notificationPreferences')
    .values({ userId: users.buyer.id, type: 'sold', channel: 'push', enabled: false })
    .onConflict((oc) => oc.columns(['userId', 'type', 'channel']).doNothing())
    .execute();
  return tx()();
};
/** The winner (someone else) did not pay; the seller offered the item to the buyer as runner-up. */
const withOfferToBuyer = async (): Promise<Fixture> => {
  const nonPayer = await createUser(env.deps);
  const unpaid = await createTransaction(env.deps, { buyerId: nonPayer.id, sellerId: users.seller.id, status: 'cancelled' });
  const offer = await db()
    .insertInto('secondChanceOffers')
    .values({
      listingId: unpaid.listingId,
      unpaidTransactionId: unpaid.id,
      sellerId: users.seller.id,
      bidderId: users.buyer.id,
      amountCents: 8_000,
      expiresAt: new Date(Date.now() + 48 * 3_600_000),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { tx: unpaid, targetId: offer.id };
};
const offerStatus = async (id: string) => (await db().selectFrom('secondChanceOffers').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
/** A payout Stripe kept refusing: what the money-jobs screen lists and re-runs. */
const withFailingIntent = async (): Promise<Fixture> => {
  const f = await tx('in_escrow')();
  const intent = await db()
    .insertInto('moneyIntents')
    .values({ key: `release-${f.tx.id}`, kind: 'release', transactionId: f.tx.id, amountCents: null, payload: JSON.stringify({ transactionId: f.tx.id, reason: 'qr' }), status: 'failing', lastError: 'Stripe said no' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ...f, targetId: intent.id };
};
const txRow = (id: string) => db().selectFrom('transactions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

// Expected statuses. Parties 2xx, strangers 404, staff read-only on transactions, staff-only console.
const partiesRead = { anonymous: 401, buyer: 200, seller: 200, stranger: 404, support: 200, admin: 200 };
const staffOnly = { anonymous: 401, buyer: 403, seller: 403, stranger: 403, support: 200, admin: 200 };
const everyUser = { anonymous: 401, buyer: 200, seller: 200, stranger: 200, support: 200, admin: 200 };

const CASES: Case[] = [
  {
    method: 'get',
    route: '/v1/users/me/sales',
    setup: tx('released'),
    path: () => '/v1/users/me/sales',
    expect: everyUser,
    // The dashboard is the caller's own sales: only the seller sees this one.
    check: (who, f, res) => {
      const ids = (res.body.items as { transactionId: string }[]).map((r) => r.transactionId);
      expect(ids.includes(f.tx.id)).toBe(who === 'seller');
    },
  },
  {
    method: 'post',
    route: '/v1/transactions/:id/messages/images',
    setup: tx('in_escrow'),
    path: (f) => `/v1/transactions/${f.tx.id}/messages/images`,
    attach: PNG_1PX,
    expect: { anonymous: 401, buyer: 201, seller: 201, stranger: 404, support: 404, admin: 404 },
    effect: async (f) => (await count('messages', f.tx.id)) > 0,
  },
  { method: 'get', route: '/v1/users/me/following', setup: tx(), path: () => '/v1/users/me/following', expect: everyUser },
  {
    method: 'post',
    route: '/v1/offers/:id/accept',
    setup: withOfferToBuyer,
    path: (f) => `/v1/offers/${f.targetId}/accept`,
    // Only the runner-up answers; the seller is told why, anyone else sees nothing.
    expect: { anonymous: 401, buyer: 201, seller: 403, stranger: 404, support: 404, admin: 404 },
    effect: async (f) => (await offerStatus(f.targetId!)) === 'accepted',
  },
  {
    method: 'post',
    route: '/v1/offers/:id/decline',
    setup: withOfferToBuyer,
    path: (f) => `/v1/offers/${f.targetId}/decline`,
    expect: { anonymous: 401, buyer: 200, seller: 403, stranger: 404, support: 404, admin: 404 },
    effect: async (f) => (await offerStatus(f.targetId!)) === 'declined',
  },
  { method: 'get', route: '/v1/admin/money-jobs', setup: withFailingIntent, path: () => '/v1/admin/money-jobs', expect: staffOnly },
  {
    method: 'post',
    route: '/v1/admin/money-jobs/:id/retry',
    setup: withFailingIntent,
    path: (f) => `/v1/admin/money-jobs/${f.targetId}/retry`,
    expect: { ...staffOnly, support: 202, admin: 202 },
    effect: async (f) =>
      (await db().selectFrom('auditLog').select('id').where('action', '=', 'money_job.retried').where('targetId', '=', f.targetId!).execute()).length > 0,
  },
  {
    method: 'get',
    route: '/v1/transactions/:id',
    setup: tx(),
    path: (f) => `/v1/transactions/${f.tx.id}`,
    expect: partiesRead,
    check: (_w, f, r) => expect(r.body.id).toBe(f.tx.id),
  },
  {
    method: 'get',
    route: '/v1/transactions/:id/events',
    setup: tx(),
    path: (f) => `/v1/transactions/${f.tx.id}/events`,
    expect: partiesRead,
  },
  {
    method: 'post',
    route: '/v1/transactions/:id/pay',
    setup: tx('pending_payment'),
    path: (f) => `/v1/transactions/${f.tx.id}/pay`,
    body: () => ({}),
    expect: { anonymous: 401, buyer: 200, seller: 403, stranger: 404, support: 403, admin: 403 },
    effect: async (f) => (await txRow(f.tx.id)).paymentIntentId !== null,
  },
  {
    method: 'get',
    route: '/v1/transactions/:id/qr',
    setup: tx(),
    path: (f) => `/v1/transactions/${f.tx.id}/qr`,
    expect: { anonymous: 401, buyer: 200, seller: 403, stranger: 404, support: 403, admin: 403 },
    effect: async (f) => (await count('pickupTokens', f.tx.id)) > 0,
  },
  {
    method: 'post',
    route: '/v1/transactions/:id/verify',
    setup: withToken,
    path: (f) => `/v1/transactions/${f.tx.id}/verify`,
    body: (f) => ({ token: f.token }),
    expect: { anonymous: 401, buyer: 403, seller: 200, stranger: 404, support: 403, admin: 403 },
    effect: async (f) => (await txRow(f.tx.id)).verifiedAt !== null,
  },
  {
    method: 'post',
    route: '/v1/transactions/:id/meetup',
    setup: withZone,
    path: (f) => `/v1/transactions/${f.tx.id}/meetup`,
    body: (f) => ({ safeZoneId: f.targetId, startsAt: meetupAt() }),
    expect: { anonymous: 401, buyer: 201, seller: 201, stranger: 404, support: 403, admin: 403 },
    effect: async (f) => (await meetupStatuses(f.tx.id)).length > 0,
  },
  {
    method: 'post',
    route: '/v1/transactions/:id/meetup/accept',
    setup: withProposal,
    path: (f) => `/v1/transactions/${f.tx.id}/meetup/accept`,
    expect: { anonymous: 401, buyer: 200, seller: 403, stranger: 404, support: 403, admin: 403 },
    effect: async (f) => (await meetupStatuses(f.tx.id)).includes('accepted'),
  },
  {
    method: 'post',
    route: '/v1/transactions/:id/dispute',
    setup: tx(),
    path: (f) => `/v1/transactions/${f.tx.id}/dispute`,
    body: () => ({ reason: 'no_show', details: 'Nobody came.' }),
    expect: { anonymous: 401, buyer: 201, seller: 201, stranger: 404, support: 403, admin: 403 },
    effect: async (f) => (await count('disputes', f.tx.id)) > 0,
  },
  {
    method: 'post',
    route: '/v1/transactions/:id/rating',
    setup: tx('released'),
    path: (f) => `/v1/transactions/${f.tx.id}/rating`,
    body: () => ({ score: 4 }),
    expect: { anonymous: 401, buyer: 201, seller: 201, stranger: 404, support: 403, admin: 403 },
    effect: async (f) => (await count('ratings', f.tx.id)) > 0,
  },
  {
    method: 'get',
    route: '/v1/transactions/:id/messages',
    variant: 'no dispute',
    setup: withChat,
    path: (f) => `/v1/transactions/${f.tx.id}/messages`,
    expect: { anonymous: 401, buyer: 200, seller: 200, stranger: 404, support: 404, admin: 404 },
  },
  {
    method: 'get',
    route: '/v1/transactions/:id/messages',
    variant: 'dispute open',
    setup: disputed,
    path: (f) => `/v1/transactions/${f.tx.id}/messages`,
    expect: partiesRead,
  },
  {
    method: 'post',
    route: '/v1/transactions/:id/messages',
    setup: tx(),
    path: (f) => `/v1/transactions/${f.tx.id}/messages`,
    body: () => ({ content: 'hello' }),
    expect: { anonymous: 401, buyer: 201, seller: 201, stranger: 404, support: 404, admin: 404 },
    effect: async (f) => (await count('messages', f.tx.id)) > 0,
  },
  {
    method: 'post',
    route: '/v1/transactions/:id/messages/read',
    setup: withChat,
    path: (f) => `/v1/transactions/${f.tx.id}/messages/read`,
    body: () => ({}),
    expect: { anonymous: 401, buyer: 200, seller: 200, stranger: 404, support: 404, admin: 404 },
    effect: async (f) =>
      (
        await db()
          .selectFrom('messageReads as r')
          .innerJoin('messages as m', 'm.id', 'r.messageId')
          .select('r.messageId')
          .where('m.transactionId', '=', f.tx.id)
          .execute()
      ).length > 0,
  },
  {
    method: 'get',
    route: '/v1/users/me/transactions',
    setup: tx(),
    path: () => '/v1/users/me/transactions',
    query: { limit: '100' },
    expect: everyUser,
    check: (who, f, res) => {
      const ids = res.body.items.map((i: { id: string }) => i.id);
      if (who === 'buyer' || who === 'seller') expect(ids).toContain(f.tx.id);
      else expect(ids).not.toContain(f.tx.id);
    },
  },
  {
    method: 'get',
    route: '/v1/users/me/watchlist',
    setup: async () => {
      const f = await tx()();
      await db().insertInto('watches').values({ userId: users.buyer.id, listingId: f.tx.listingId }).execute();
      return f;
    },
    path: () => '/v1/users/me/watchlist',
    query: { limit: '50' },
    expect: everyUser,
    check: (who, f, res) => {
      const ids = res.body.items.map((i: { id: string }) => i.id);
      if (who === 'buyer') expect(ids).toContain(f.tx.listingId);
      else expect(ids).not.toContain(f.tx.listingId);
    },
  },
  {
    method: 'get',
    route: '/v1/users/me',
    setup: tx(),
    path: () => '/v1/users/me',
    expect: everyUser,
    check: (who, _f, res) => expect(res.body.id).toBe(users[who as Exclude<Who, 'anonymous'>].id),
  },
  {
    method: 'patch',
    route: '/v1/users/me',
    setup: tx(),
    path: () => '/v1/users/me',
    body: () => ({ locale: 'en' }),
    expect: everyUser,
    check: (who, _f, res) => expect(res.body.id).toBe(users[who as Exclude<Who, 'anonymous'>].id),
  },
  {
    method: 'get',
    route: '/v1/users/me/export',
    setup: tx(),
    path: () => '/v1/users/me/export',
    expect: everyUser,
    check: (who, f, res) => {
      expect(res.body.profile.id).toBe(users[who as Exclude<Who, 'anonymous'>].id);
      const ids = res.body.transactions.map((t: { id: string }) => t.id);
      if (who === 'buyer' || who === 'seller') expect(ids).toContain(f.tx.id);
      else expect(ids).not.toContain(f.tx.id);
    },
  },
  {
    method: 'get',
    route: '/v1/users/me/notification-preferences',
    setup: withBuyerPreference,
    path: () => '/v1/users/me/notification-preferences',
    expect: everyUser,
    check: (who, _f, res) => expect(res.body.preferences.sold.push).toBe(who !== 'buyer'),
  },
  {
    method: 'put',
    route: '/v1/users/me/notification-preferences',
    setup: tx(),
    path: () => '/v1/users/me/notification-preferences',
    body: () => ({ preferences: { ending_soon: { push: false } } }),
    expect: everyUser,
    check: (_who, _f, res) => expect(res.body.preferences.ending_soon).toEqual({ push: false }),
  },
  {
    method: 'get',
    route: '/v1/bids/me',
    setup: withBuyerBid,
    path: () => '/v1/bids/me',
    query: { limit: '100' },
    expect: everyUser,
    check: (who, f, res) => {
      const listings = res.body.items.map((i: { listingId: string }) => i.listingId);
      if (who === 'buyer') expect(listings).toContain(f.token);
      else expect(listings).not.toContain(f.token);
    },
  },
  {
    method: 'delete',
    route: '/v1/bids/:id',
    setup: withBuyerBid,
    path: (f) => `/v1/bids/${f.targetId}`,
    expect: { anonymous: 401, buyer: 200, seller: 404, stranger: 404, support: 404, admin: 404 },
    effect: async (f) =>
      (await db().selectFrom('listingBidders').select('retractedAt').where('listingId', '=', f.token!).executeTakeFirstOrThrow()).retractedAt !== null,
  },
  {
    method: 'get',
    route: '/v1/users/:id/reviews',
    setup: withSellerReview,
    path: () => `/v1/users/${users.seller.id}/reviews`,
    expect: everyUser,
    check: (_who, f, res) => expect(res.body.items.length).toBeGreaterThan(0),
  },
  {
    method: 'post',
    route: '/v1/users/me/devices',
    setup: tx(),
    path: () => '/v1/users/me/devices',
    body: () => ({ token: `bola-device-${Math.random().toString(36).slice(2)}-new`, platform: 'android' }),
    expect: everyUser,
  },
  {
    method: 'delete',
    route: '/v1/users/me/devices/:token',
    setup: withBuyerDevice,
    path: (f) => `/v1/users/me/devices/${f.token}`,
    expect: { anonymous: 401, buyer: 204, seller: 404, stranger: 404, support: 404, admin: 404 },
    effect: async (f) => (await db().selectFrom('devices').select('token').where('token', '=', f.token!).executeTakeFirst()) === undefined,
  },
  { method: 'get', route: '/v1/users/me/wallet/balance', setup: tx(), path: () => '/v1/users/me/wallet/balance', expect: everyUser },
  {
    method: 'post',
    route: '/v1/users/me/wallet',
    setup: tx(),
    path: () => '/v1/users/me/wallet',
    body: () => ({}),
    expect: everyUser,
    okStatuses: [200, 201], // 201 the first time a user opens one, 200 after
  },
  { method: 'get', route: '/v1/admin/disputes', setup: disputed, path: () => '/v1/admin/disputes', expect: staffOnly },
  { method: 'get', route: '/v1/admin/disputes/:id', setup: disputed, path: (f) => `/v1/admin/disputes/${f.disputeId}`, expect: staffOnly },
  {
    method: 'post',
    route: '/v1/admin/disputes/:id/resolve',
    setup: disputed,
    path: (f) => `/v1/admin/disputes/${f.disputeId}/resolve`,
    body: () => ({ resolution: 'refund', note: 'Refunded.' }),
    expect: staffOnly,
    effect: async (f) =>
      (await db().selectFrom('disputes').select('status').where('id', '=', f.disputeId!).executeTakeFirstOrThrow()).status === 'resolved',
  },
  { method: 'get', route: '/v1/admin/audit-log', setup: tx(), path: () => '/v1/admin/audit-log', expect: staffOnly },
  {
    method: 'post',
    route: '/v1/admin/disputes/:id/messages',
    setup: disputed,
    path: (f) => `/v1/admin/disputes/${f.disputeId}/messages`,
    body: () => ({ content: 'Please send a photo.' }),
    expect: { ...staffOnly, support: 201, admin: 201 },
    effect: async (f) =>
      (
        await db()
          .selectFrom('messages')
          .select('id')
          .where('transactionId', '=', f.tx.id)
          .where('content', '=', 'Please send a photo.')
          .execute()
      ).length > 0,
  },
  { method: 'get', route: '/v1/admin/users', setup: tx(), path: () => '/v1/admin/users', expect: staffOnly },
  {
    method: 'get',
    route: '/v1/admin/users/:id',
    setup: withTarget(false),
    path: (f) => `/v1/admin/users/${f.targetId}`,
    expect: staffOnly,
  },
  {
    method: 'post',
    route: '/v1/admin/users/:id/suspend',
    setup: withTarget(false),
    path: (f) => `/v1/admin/users/${f.targetId}/suspend`,
    body: () => ({ reason: 'Fraud report' }),
    expect: { anonymous: 401, buyer: 403, seller: 403, stranger: 403, support: 403, admin: 200 },
    effect: async (f) =>
      (await db().selectFrom('users').select('suspendedAt').where('id', '=', f.targetId!).executeTakeFirstOrThrow()).suspendedAt !== null,
  },
  {
    method: 'post',
    route: '/v1/admin/users/:id/unsuspend',
    setup: withTarget(true),
    path: (f) => `/v1/admin/users/${f.targetId}/unsuspend`,
    body: () => ({ reason: 'Appeal upheld' }),
    expect: { anonymous: 401, buyer: 403, seller: 403, stranger: 403, support: 403, admin: 200 },
    effect: async (f) =>
      (await db().selectFrom('users').select('suspendedAt').where('id', '=', f.targetId!).executeTakeFirstOrThrow()).suspendedAt === null,
  },
  {
    method: 'delete',
    route: '/v1/admin/users/:id/suspend',
    setup: withTarget(true),
    path: (f) => `/v1/admin/users/${f.targetId}/suspend`,
    expect: { anonymous: 401, buyer: 403, seller: 403, stranger: 403, support: 403, admin: 200 },
    effect: async (f) =>
      (await db().selectFrom('users').select('suspendedAt').where('id', '=', f.targetId!).executeTakeFirstOrThrow()).suspendedAt === null,
  },
];

const PROTECTED =
  /^\/v1\/(transactions\/|users\/me($|\/(transactions|wallet|watchlist|export|restore|notification-preferences|devices|sales|following))|users\/:id\/reviews|bids\/|offers\/|admin\/(disputes|users|audit-log|money-jobs))/;

/** The account's own deletion and restore: one account per cell (below), not the shared parties. */
const ACCOUNT_LIFECYCLE = ['DELETE /v1/users/me', 'POST /v1/users/me/restore'];

it('covers every transaction, dispute, wallet, rating, message, account and staff route that exists', () => {
  const declared = allRoutes.filter((r) => PROTECTED.test(r.spec.path)).map((r) => `${r.spec.method.toUpperCase()} ${r.spec.path}`);
  const covered = new Set([...CASES.map((c) => `${c.method.toUpperCase()} ${c.route}`), ...ACCOUNT_LIFECYCLE]);
  expect(declared.filter((r) => !covered.has(r))).toEqual([]);
});

for (const c of CASES) {
  describe(`${c.method.toUpperCase()} ${c.route}${c.variant ? ` (${c.variant})` : ''}`, () => {
    for (const who of WHO) {
      const status = c.expect[who];
      it(`${who} → ${status}`, async () => {
        const f = await c.setup();
        let req = env.http[c.method](c.path(f));
        if (c.query) req = req.query(c.query);
        if (who !== 'anonymous') req = req.set(users[who].auth);
        if (c.attach) req = req.attach('image', c.attach, { filename: 'evidence.png', contentType: 'image/png' });
        const res = await (c.body ? req.send(c.body(f)) : req);
        const allowed = status < 300;
        if (allowed) {
          expect({ status: res.status, body: res.body }).toMatchObject({
            status: c.okStatuses?.includes(res.status) ? res.status : status,
          });
          c.check?.(who, f, res);
        } else {
          expect({ status: res.status, code: res.body?.code }).toEqual({ status, code: expect.any(String) });
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        }
        if (c.effect) expect(await c.effect(f)).toBe(allowed);
      });
    }
  });
}

/** Signs a phone in through the real OTP routes (a deleted account within 30 days gets a restore-only session). */
async function signIn(phone: string) {
  expect((await env.http.post('/v1/auth/phone/send-code').send({ phoneNumber: phone })).status).toBe(202);
  const res = await env.http.post('/v1/auth/phone/verify').send({ phoneNumber: phone, code: lastCodeFor(env.sms, phone) });
  expect(res.status).toBe(200);
  return { Authorization: `Bearer ${res.body.accessToken as string}` };
}
const isLive = async (id: string) => Boolean(await db().selectFrom('users').select('id').where('id', '=', id).where('deletedAt', 'is', null).executeTakeFirst());

describe('DELETE /v1/users/me and POST /v1/users/me/restore act on the caller’s own account only', () => {
  it('anonymous → 401 on both', async () => {
    expect((await env.http.delete('/v1/users/me')).status).toBe(401);
    expect((await env.http.post('/v1/users/me/restore')).status).toBe(401);
  });

  it('a deletion removes the caller alone: every other account stays live and visible', async () => {
    const [caller, other] = await Promise.all([createUser(env.deps), createUser(env.deps)]);
    expect((await env.http.delete('/v1/users/me').set(caller.auth)).status).toBe(204);
    expect(await isLive(caller.id)).toBe(false);
    expect(await isLive(other.id)).toBe(true);
    expect((await env.http.get('/v1/users/me').set(other.auth)).status).toBe(200);
    expect((await env.http.get(`/v1/users/${caller.id}/profile`).set(other.auth)).status).toBe(404);
  });

  it('a restore brings back the caller’s account alone, never another deleted one; a live account has nothing to restore', async () => {
    const [first, second] = await Promise.all([createUser(env.deps), createUser(env.deps)]);
    for (const u of [first, second]) expect((await env.http.delete('/v1/users/me').set(u.auth)).status).toBe(204);
    const restoreSession = await signIn(first.phone);
    expect((await env.http.post('/v1/users/me/restore').set(restoreSession)).status).toBe(200);
    expect(await isLive(first.id)).toBe(true);
    expect(await isLive(second.id)).toBe(false);
    const live = await env.http.post('/v1/users/me/restore').set(users.stranger.auth);
    expect({ status: live.status, code: live.body.code }).toEqual({ status: 409, code: 'account_not_deleted' });
  });
});
