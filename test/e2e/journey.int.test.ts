/**
 * The main journey through the typed client only (clients/typescript), against a started platform:
 * api and realtime on real ports, workers, the Stripe stand-in. Every REST answer is checked against
 * the OpenAPI document. Access tokens live 5 s here, so refresh-with-rotation runs for REST and sockets.
 * The meetup (SPEC §9) sits between pay and the QR: the seller proposes a safe zone found near the
 * listing, the buyer sees the proposal arrive over the transaction room and accepts it.
 */
import type { Middleware } from 'openapi-fetch';
import { createBiddtClient, unwrap, type BiddtClient, type ListingEvent, type MeetupUpdatedEvent, type Tokens } from '../../clients/typescript/src';
import { startRealtime, type RealtimeServer } from '../../realtime/io';
import { expectResponseMatches } from '../support/contract';
import { eventually } from '../support/fixtures';
import { insertZone } from '../safe-zones/support';
import { createStripeTestEnv, type StripeTestEnv } from '../support/stripe';

const PHONES = { seller: '+15555550100', alice: '+15555550101', bob: '+15555550102' };
const CODE = '123456';

let env: StripeTestEnv;
let realtime: RealtimeServer;
/** A library near the listing, registered by staff before the journey (the admin API has its own tests). */
let zoneId: string;
const PLATEAU = { lat: 45.5019, lng: -73.5674 };
const clients: BiddtClient[] = [];
const stored = new Map<string, Tokens | null>();
const tokenChanges = new Map<string, number>();

/** Validates every answer the client receives against the document (throws into the call on a mismatch). */
const contractCheck: Middleware = {
  async onResponse({ request, response, schemaPath }) {
    const text = await response.clone().text();
    const body = text ? JSON.parse(text) : undefined;
    expectResponseMatches(request.method, schemaPath, response.status, body, response.headers.get('content-type') ?? undefined);
    return undefined;
  },
};

async function signIn(name: keyof typeof PHONES): Promise<BiddtClient> {
  const client = createBiddtClient({
    baseUrl: env.apiUrl,
    realtimeUrl: `http://127.0.0.1:${realtime.port}`,
    onTokens: (tokens) => {
      stored.set(name, tokens);
      tokenChanges.set(name, (tokenChanges.get(name) ?? 0) + 1);
    },
  });
  client.api.use(contractCheck);
  clients.push(client);
  unwrap(await client.api.POST('/v1/auth/phone/send-code', { body: { phoneNumber: PHONES[name] } }));
  await client.signInWithPhone(PHONES[name], CODE);
  await client.realtime().connect();
  return client;
}

beforeAll(async () => {
  env = await createStripeTestEnv({
    env: {
      AUTH_TEST_PHONE_CODES: Object.values(PHONES)
        .map((p) => `${p}:${CODE}`)
        .join(','),
      ACCESS_TOKEN_TTL_SEC: '5',
      AUCTION_MIN_DURATION_SEC: '3',
      SOFT_CLOSE_WINDOW_SEC: '2',
      SOFT_CLOSE_EXTENSION_SEC: '3',
    },
  });
  realtime = await startRealtime(await env.sibling(), 0);
  zoneId = await insertZone(env.deps, { name: 'Bibliothèque du Plateau', lat: 45.5035, lng: -73.57, timezone: 'America/Toronto' });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await realtime?.stop();
  await env?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The "device" confirms the PaymentIntent with Stripe's test card. Through the stand-in's control (as the
 * escrow tests do): its server-side `POST /v1/payment_intents/:id/confirm` still asks for a return_url.
 */
const confirmOnDevice = (paymentIntentId: string) => env.standIn.confirmPaymentIntent(paymentIntentId, 'pm_card_visa');

describe('journey: sign in → list → publish → two bidders → soft close → win → pay → meetup → QR → release → rate', () => {
  it('runs end to end through @biddt/client', async () => {
    const [seller, alice, bob] = [await signIn('seller'), await signIn('alice'), await signIn('bob')];
    expect(stored.get('alice')).toEqual(alice.session.current);

    // Seller: wallet (the stand-in enables the Connect account at once), then a listing, published.
    unwrap(await seller.api.POST('/v1/users/me/wallet', {}));
    const draft = unwrap(
      await seller.api.POST('/v1/listings', {
        body: {
          title: 'Cargo bike, electric assist',
          description: 'Two kids seats, new chain.',
          category: 'bikes',
          condition: 'good',
          auctionType: 'auction',
          startingPriceCents: 50_000,
          endsAt: new Date(Date.now() + 4_500).toISOString(),
          location: { ...PLATEAU, name: 'Plateau, Montréal' },
        },
      }),
    );
    const listing = unwrap(await seller.api.POST('/v1/listings/{id}/publish', { params: { path: { id: draft.id } } }));
    expect(listing.status).toBe('active');

    // The seller follows the auction; everything arrives in seq order, exactly once.
    const seen: ListingEvent[] = [];
    const watch = seller.watchListing(listing.id, { onEvent: (e) => seen.push(e) }, { afterSeq: 0 });
    await watch.ready;

    // Alice bids over the socket; Bob over REST, inside the soft-close window, with a higher maximum.
    const first = await alice.placeBid({ listingId: listing.id, maxAmountCents: 60_000 });
    expect(first).toMatchObject({ outcome: 'leading', isLeader: true, currentPriceCents: 50_000 });
    const originalEnd = Date.parse(first.endsAt);

    // The seller's phone drops off for a while: the watcher catches up on reconnect (afterSeq).
    seller.realtime().socket.disconnect();
    await sleep(Math.max(0, originalEnd - Date.now() - 1_500));
    const second = await bob.placeBid({ listingId: listing.id, maxAmountCents: 80_000, via: 'rest' });
    expect(second).toMatchObject({ outcome: 'leading', isLeader: true });
    expect(Date.parse(second.endsAt)).toBeGreaterThan(originalEnd);
    seller.realtime().socket.connect();

    const ended = await eventually(async () => seen.find((e) => e.type === 'auction_ended'), 20_000);
    expect(ended.payload).toMatchObject({ outcome: 'sold', finalPriceCents: second.currentPriceCents });
    expect(seen.map((e) => e.payload.seq)).toEqual(seen.map((_e, i) => i + 1));
    expect(seen.map((e) => e.type)).toEqual(expect.arrayContaining(['bid_placed', 'auction_extended', 'auction_ended']));
    await watch.stop();

    // Bob won: his transaction, paid through the stand-in.
    const tx = await eventually(
      async () => unwrap(await bob.api.GET('/v1/users/me/transactions', { params: { query: { role: 'buyer' } } })).items[0],
    );
    expect(tx).toMatchObject({ listingId: listing.id, status: 'pending_payment', amountCents: second.currentPriceCents });
    const payment = unwrap(await bob.api.POST('/v1/transactions/{id}/pay', { params: { path: { id: tx.id } }, body: {} }));
    confirmOnDevice(payment.paymentIntentId);
    const statusOf = async (client: BiddtClient) =>
      unwrap(await client.api.GET('/v1/transactions/{id}', { params: { path: { id: tx.id } } })).status;
    await eventually(async () => (await statusOf(bob)) === 'in_escrow', 15_000);

    // Meetup: the seller picks the nearest safe zone and a time; Bob, in the transaction room, sees the
    // proposal arrive and accepts it; the transaction now shows the accepted meetup.
    const zones = unwrap(await seller.api.GET('/v1/safe-zones', { params: { query: { near: `${PLATEAU.lat},${PLATEAU.lng}` } } }));
    expect(zones.items[0]).toMatchObject({ id: zoneId });
    const meetupUpdates: MeetupUpdatedEvent[] = [];
    bob.realtime().socket.on('meetup_updated', (update) => meetupUpdates.push(update));
    await bob.realtime().request('join_chat', { transactionId: tx.id });
    const startsAt = new Date(Date.now() + 3 * 3_600_000).toISOString();
    const proposal = unwrap(
      await seller.api.POST('/v1/transactions/{id}/meetup', { params: { path: { id: tx.id } }, body: { safeZoneId: zoneId, startsAt } }),
    );
    expect(proposal).toMatchObject({ status: 'proposed', safeZone: { id: zoneId } });
    await eventually(async () => meetupUpdates.find((u) => u.meetup.status === 'proposed'), 10_000);
    const accepted = unwrap(await bob.api.POST('/v1/transactions/{id}/meetup/accept', { params: { path: { id: tx.id } } }));
    expect(accepted).toMatchObject({ id: proposal.id, status: 'accepted' });
    await eventually(async () => meetupUpdates.find((u) => u.meetup.status === 'accepted'), 10_000);
    const withMeetup = unwrap(await seller.api.GET('/v1/transactions/{id}', { params: { path: { id: tx.id } } }));
    expect(withMeetup).toMatchObject({ meetup: { id: proposal.id, status: 'accepted', startsAt: proposal.startsAt } });

    // Handover: the buyer shows the QR, the seller scans it, the escrow is released.
    const qr = unwrap(await bob.api.GET('/v1/transactions/{id}/qr', { params: { path: { id: tx.id } } }));
    expect(qr.qrPngDataUrl).toMatch(/^data:image\/png;base64,/);
    unwrap(await seller.api.POST('/v1/transactions/{id}/verify', { params: { path: { id: tx.id } }, body: { token: qr.token } }));
    await eventually(async () => (await statusOf(seller)) === 'released', 15_000);
    const balance = unwrap(await seller.api.GET('/v1/users/me/wallet/balance'));
    expect(balance).toMatchObject({ inEscrowCents: 0 });

    // Both rate each other.
    unwrap(
      await bob.api.POST('/v1/transactions/{id}/rating', { params: { path: { id: tx.id } }, body: { score: 5, comment: 'Smooth pickup' } }),
    );
    unwrap(await seller.api.POST('/v1/transactions/{id}/rating', { params: { path: { id: tx.id } }, body: { score: 5 } }));
    const timeline = unwrap(await seller.api.GET('/v1/transactions/{id}/events', { params: { path: { id: tx.id } } }));
    expect(timeline.items.map((e) => e.type)).toEqual(expect.arrayContaining(['payment_received', 'escrow_released']));

    // Tokens rotated during the journey (5 s access tokens) and the app was told each time.
    expect(stored.get('seller')).toEqual(seller.session.current);
    expect(stored.get('seller')).not.toBeNull();
    expect(tokenChanges.get('seller')).toBeGreaterThan(1);
  }, 90_000);
});
