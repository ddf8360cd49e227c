/**
 * `npm run demo [-- --bots N --speed X --fast]`: the whole platform in this process (embedded PostgreSQL
 * and a spawned redis-server unless DATABASE_URL / REDIS_URL are set, the Stripe stand-in), a seller,
 * a listing and N bots bidding over sockets with proxy maxima through @biddt/client — shown live — then
 * the close, the payment through the stand-in, a meetup at a safe zone, the QR handover, the release,
 * the ledger and the timeline.
 *   --bots N   bidders (default 5; 3 with --fast)
 *   --speed X  time runs X times faster (auction length, soft-close window, bot pace; default 1)
 *   --fast     a short run for tests and CI (speed 4, 3 bots unless given)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createBiddtClient, unwrap, type BiddtClient, type ListingEvent } from '../clients/typescript/src/index';
import { migrateToLatest } from '../db/migrate';
import { DEMO_SAFE_ZONES_CSV } from '../db/seed';
import { loadSafeZonesCsv } from '../src/modules/safe-zones';
import { startRealtime } from '../realtime/io';
import { createDeps, type Deps } from '../src/composition';
import { loadConfigOrExit } from '../src/config/config';
import { startEmbeddedPostgres, startRedisServer, type LocalService } from '../src/dev/local-services';
import { startStripeStandIn } from '../tools/stripe-standin/src';
import { startApi } from '../src/server';
import { startWorkers } from '../workers/workers';

const { values: args } = parseArgs({
  options: { bots: { type: 'string' }, speed: { type: 'string' }, fast: { type: 'boolean', default: false } },
});
const FAST = args.fast === true;
const SPEED = Math.max(0.1, Number(args.speed ?? (FAST ? 4 : 1)));
const BOTS = Math.min(20, Math.max(2, Number(args.bots ?? (FAST ? 3 : 5))));
const CODE = '123456';
const phoneOf = (i: number) => `+1555555${String(200 + i).padStart(4, '0')}`;
const sec = (s: number) => Math.max(1, Math.round(s / SPEED));
const AUCTION_SEC = sec(20);
const WINDOW_SEC = sec(6);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;
const say = (line: string) => process.stdout.write(`${line}\n`);
/** Where the demo's buyer and seller meet: the demo safe zones' 24/7 stand-in police station in Toronto. */
const ANNEX = '43.6665,-79.4037';

interface Platform {
  deps: Deps;
  apiUrl: string;
  realtimeUrl: string;
  confirmPayment(paymentIntentId: string): void;
  stop(): Promise<void>;
}

/** The pieces of `npm start` (src/dev/start.ts), on free ports and a throwaway data directory. */
async function startPlatform(): Promise<Platform> {
  const services: LocalService[] = [];
  const dataDir = mkdtempSync(join(process.cwd(), '.data-demo-'));
  Object.assign(process.env, {
    NODE_ENV: 'development',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    AUTH_TEST_PHONE_CODES: Array.from({ length: BOTS + 1 }, (_v, i) => `${phoneOf(i)}:${CODE}`).join(','),
    AUCTION_MIN_DURATION_SEC: String(AUCTION_SEC),
    SOFT_CLOSE_WINDOW_SEC: String(WINDOW_SEC),
    SOFT_CLOSE_EXTENSION_SEC: String(WINDOW_SEC),
    RATE_LIMIT_BIDS_PER_USER_PER_MIN: '100000',
    RATE_LIMIT_API_PER_USER_PER_MIN: '100000',
    RATE_LIMIT_AUTH_PER_IP_PER_MIN: '100000',
    RATE_LIMIT_SEND_CODE_PER_IP_PER_MIN: '100000',
    STRIPE_WEBHOOK_SECRET: 'whsec_demo_0123456789abcdef',
  });
  delete process.env.STRIPE_SECRET_KEY;
  if (!process.env.DATABASE_URL) {
    const pg = await startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres'), ephemeral: true });
    services.push(pg);
    process.env.DATABASE_URL = pg.url;
  }
  if (!process.env.REDIS_URL) {
    // Not stopped by hand: startRedisServer kills it when this process exits. Stopping it earlier
    // rejects a command some connection still has queued ("Connection is closed") after the app stopped.
    const redis = await startRedisServer();
    process.env.REDIS_URL = redis.url;
  }
  const standIn = await startStripeStandIn({ port: 0, webhookSecret: process.env.STRIPE_WEBHOOK_SECRET! });
  process.env.STRIPE_SECRET_KEY = 'sk_test_biddt_demo';
  process.env.STRIPE_API_BASE = standIn.url;
  const config = loadConfigOrExit();
  const deps = await createDeps(config, 'all');
  await migrateToLatest(deps.db);
  await loadSafeZonesCsv(deps.db, readFileSync(DEMO_SAFE_ZONES_CSV, 'utf8'));
  const api = await startApi(deps, 0);
  const realtime = await startRealtime(deps, 0);
  const workers = await startWorkers(deps);
  const apiUrl = `http://127.0.0.1:${api.port}`;
  standIn.setWebhookUrl(`${apiUrl}/v1/webhooks/stripe`);
  return {
    deps,
    apiUrl,
    realtimeUrl: `http://127.0.0.1:${realtime.port}`,
    // What the buyer's phone does with Stripe's SDK: confirm with the test card.
    confirmPayment: (id) => void standIn.confirmPaymentIntent(id, 'pm_card_visa'),
    async stop() {
      // Shutting down, a command still queued on a Redis connection that deps.close() quits rejects with
      // "Connection is closed." with no one left to handle it; that must not turn a finished demo into exit 1.
      process.on('unhandledRejection', (err) => {
        if (!(err instanceof Error && err.message === 'Connection is closed.')) throw err;
      });
      standIn.setWebhookUrl(null);
      await workers.stop();
      await realtime.stop();
      await api.stop();
      await deps.close();
      await standIn.close();
      for (const s of services.reverse()) await s.stop().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function signIn(platform: Platform, i: number): Promise<{ client: BiddtClient; userId: string }> {
  const client = createBiddtClient({ baseUrl: platform.apiUrl, realtimeUrl: platform.realtimeUrl });
  unwrap(await client.api.POST('/v1/auth/phone/send-code', { body: { phoneNumber: phoneOf(i) } }));
  const { user } = await client.signInWithPhone(phoneOf(i), CODE);
  if (i > 0) unwrap(await client.api.PATCH('/v1/users/me', { body: { displayName: `Bot ${i}` } }));
  await client.realtime().connect();
  return { client, userId: user.id };
}

/** What the screen shows, fed by the listing's events. */
interface Board {
  priceCents: number;
  leader: string | null;
  endsAt: number;
  bids: number;
  extensions: number;
  ended: ListingEvent | null;
  latenciesMs: number[];
  startedAt: number;
}

function render(board: Board, final = false): string {
  const left = Math.max(0, board.endsAt - Date.now());
  const elapsed = (Date.now() - board.startedAt) / 1000;
  const sorted = [...board.latenciesMs].sort((a, b) => a - b);
  const p50 = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
  return [
    `price ${dollars(board.priceCents).padStart(10)}`,
    `leader ${(board.leader ?? '—').padEnd(10)}`,
    final ? 'closed      ' : `ends in ${(left / 1000).toFixed(1).padStart(5)}s`,
    `extensions ${board.extensions}`,
    `bids ${board.bids} (${(board.bids / Math.max(elapsed, 0.001)).toFixed(1)}/s)`,
    `latency p50 ${p50.toFixed(0)} ms p95 ${p95.toFixed(0)} ms`,
  ].join(' | ');
}

/** A bot: its private maximum, raised in steps while it is not leading, at a human-ish pace. */
async function runBot(client: BiddtClient, listingId: string, maxCents: number, board: Board): Promise<void> {
  let mine = 0;
  while (!board.ended) {
    await sleep((300 + Math.random() * 1200) / SPEED);
    if (board.ended || Date.now() > board.endsAt) continue;
    const next = Math.min(maxCents, Math.max(mine, board.priceCents) + 500 + Math.floor(Math.random() * 4) * 500);
    if (next <= mine || next <= board.priceCents) continue;
    const started = performance.now();
    try {
      const answer = await client.placeBid({ listingId, maxAmountCents: next });
      board.latenciesMs.push(performance.now() - started);
      mine = next;
      if (answer.isLeader) await sleep(500 / SPEED);
    } catch {
      // bid_too_low / auction_ended between our read of the price and the bid: read again next turn.
    }
  }
}

async function closeTheSale(platform: Platform, seller: BiddtClient, buyer: BiddtClient, listingId: string) {
  const tx = await poll(async () =>
    unwrap(await buyer.api.GET('/v1/users/me/transactions', { params: { query: { role: 'buyer' } } })).items.find(
      (t) => t.listingId === listingId,
    ),
  );
  say(
    `\ntransaction ${tx.id}: ${dollars(tx.amountCents)} (commission ${dollars(tx.commissionCents)}, escrow fee ${dollars(tx.escrowFeeCents)}, seller gets ${dollars(tx.sellerPayoutCents)})`,
  );
  const payment = unwrap(await buyer.api.POST('/v1/transactions/{id}/pay', { params: { path: { id: tx.id } }, body: {} }));
  platform.confirmPayment(payment.paymentIntentId);
  const statusOf = async () => unwrap(await seller.api.GET('/v1/transactions/{id}', { params: { path: { id: tx.id } } })).status;
  await poll(async () => (await statusOf()) === 'in_escrow');
  say(`paid through the Stripe stand-in (${payment.paymentIntentId}): in escrow`);
  const zone = await arrangeMeetup(seller, buyer, tx.id);
  const qr = unwrap(await buyer.api.GET('/v1/transactions/{id}/qr', { params: { path: { id: tx.id } } }));
  const scan = { token: qr.token, lat: zone.lat, lng: zone.lng };
  unwrap(await seller.api.POST('/v1/transactions/{id}/verify', { params: { path: { id: tx.id } }, body: scan }));
  say(`QR scanned by the seller at ${zone.name}: verified`);
  await poll(async () => (await statusOf()) === 'released');
  say('escrow: released');
  return tx.id;
}

/** The buyer picks the safe zone nearest the Annex (open 24/7) and proposes an hour from now; the seller accepts. */
async function arrangeMeetup(seller: BiddtClient, buyer: BiddtClient, transactionId: string) {
  const near = ANNEX;
  const zones = unwrap(await buyer.api.GET('/v1/safe-zones', { params: { query: { near, radiusKm: 2 } } }));
  const zone = zones.items[0];
  if (!zone) throw new Error(`no safe zone near ${near}`);
  const startsAt = new Date(Date.now() + 3_600_000).toISOString();
  const path = { params: { path: { id: transactionId } } };
  unwrap(await buyer.api.POST('/v1/transactions/{id}/meetup', { ...path, body: { safeZoneId: zone.id, startsAt } }));
  const meetup = unwrap(await seller.api.POST('/v1/transactions/{id}/meetup/accept', path));
  say(`meetup: ${zone.name} (${zone.distanceKm} km away), ${meetup.startsAt}, ${meetup.status}`);
  return zone;
}

async function printLedger(deps: Deps, txId: string): Promise<void> {
  const rows = await deps.db
    .selectFrom('ledgerEntries')
    .select(['movementType', 'accountCode', 'amountCents'])
    .where('transactionId', '=', txId)
    .orderBy('id')
    .execute();
  say('\nledger:');
  const sums = new Map<string, number>();
  for (const r of rows) {
    say(`  ${r.movementType.padEnd(10)} ${r.accountCode.padEnd(50)} ${String(Number(r.amountCents)).padStart(8)}`);
    sums.set(r.movementType, (sums.get(r.movementType) ?? 0) + Number(r.amountCents));
  }
  const balanced = rows.length > 0 && [...sums.values()].every((s) => s === 0);
  say(`ledger ${balanced ? 'balanced' : 'NOT BALANCED'}: ${[...sums].map(([m, s]) => `${m} ${s}`).join(', ')}`);
  if (!balanced) process.exitCode = 1;
}

async function poll<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`demo: timed out after ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function main(): Promise<void> {
  say(`Biddt demo: ${BOTS} bots, speed ×${SPEED}, auction ${AUCTION_SEC}s, soft close ${WINDOW_SEC}s`);
  const platform = await startPlatform();
  const clients: BiddtClient[] = [];
  try {
    const seller = await signIn(platform, 0);
    clients.push(seller.client);
    unwrap(await seller.client.api.POST('/v1/users/me/wallet', {}));
    const bots = await Promise.all(Array.from({ length: BOTS }, (_v, i) => signIn(platform, i + 1)));
    clients.push(...bots.map((b) => b.client));
    const draft = unwrap(
      await seller.client.api.POST('/v1/listings', {
        body: {
          title: 'Vintage Peugeot road bike',
          category: 'bikes',
          condition: 'good',
          auctionType: 'auction',
          startingPriceCents: 10_000,
          endsAt: new Date(Date.now() + AUCTION_SEC * 1000 + 1000).toISOString(),
        },
      }),
    );
    const listing = unwrap(await seller.client.api.POST('/v1/listings/{id}/publish', { params: { path: { id: draft.id } } }));
    say(`listing "${listing.title}" published, starting at ${dollars(listing.startingPriceCents!)}\n`);

    const board: Board = {
      priceCents: listing.currentPriceCents,
      leader: null,
      endsAt: Date.parse(listing.endsAt!),
      bids: 0,
      extensions: 0,
      ended: null,
      latenciesMs: [],
      startedAt: Date.now(),
    };
    const timeline: string[] = [];
    const watch = seller.client.watchListing(
      listing.id,
      {
        onEvent(e) {
          if (e.type === 'bid_placed')
            Object.assign(board, {
              priceCents: e.payload.currentPriceCents,
              leader: e.payload.leaderAlias,
              endsAt: Date.parse(e.payload.endsAt),
              bids: e.payload.bidCount,
            });
          if (e.type === 'auction_extended') {
            board.extensions += 1;
            board.endsAt = Date.parse(e.payload.endsAt);
            timeline.push(`#${e.payload.seq} soft close: extended to ${e.payload.endsAt}`);
          }
          if (e.type === 'auction_ended') board.ended = e;
        },
      },
      { afterSeq: 0 },
    );
    await watch.ready;
    const tty = process.stdout.isTTY === true;
    let lastPrinted = 0;
    const ticker = setInterval(() => {
      if (tty) process.stdout.write(`\x1b[2K\r${render(board)}`);
      else if (Date.now() - lastPrinted >= 1000) {
        lastPrinted = Date.now();
        say(render(board));
      }
    }, 100);
    const maxima = bots.map(() => 15_000 + Math.floor(Math.random() * 20) * 1_000);
    await Promise.all(bots.map((b, i) => runBot(b.client, listing.id, maxima[i], board)));
    clearInterval(ticker);
    await watch.stop();
    say(`${tty ? '\n' : ''}${render(board, true)}`);
    const ended = board.ended as Extract<ListingEvent, { type: 'auction_ended' }> | null;
    say(`auction ended: ${ended?.payload.outcome} at ${dollars(ended?.payload.finalPriceCents ?? 0)} — winner ${board.leader}`);
    if (ended?.payload.outcome !== 'sold') throw new Error('the auction did not sell');

    const winner = await poll(async () => {
      for (const b of bots) {
        const mine = unwrap(await b.client.api.GET('/v1/users/me/transactions', { params: { query: { role: 'buyer' } } }));
        if (mine.items.some((t) => t.listingId === listing.id)) return b;
      }
      return undefined;
    });
    const txId = await closeTheSale(platform, seller.client, winner.client, listing.id);
    await printLedger(platform.deps, txId);
    const events = unwrap(await seller.client.api.GET('/v1/transactions/{id}/events', { params: { path: { id: txId } } }));
    say('\ntimeline:');
    for (const line of timeline) say(`  ${line}`);
    for (const e of events.items) say(`  ${e.createdAt} ${e.type}`);
    say('\ndemo finished: released');
  } finally {
    for (const c of clients) c.close();
    // Let the realtime server finish the disconnects (their Redis adapter calls) before it stops.
    await sleep(300);
    await platform.stop();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
