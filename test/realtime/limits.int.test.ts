import { runInThisContext } from 'node:vm';
import { startRealtime, type RealtimeServer } from '../../realtime/io';
import { SOCKET_EVENTS_PER_SEC } from '../../realtime/socket-limits';
import type { RunningWorkers } from '../../workers/workers';
import { createActiveListing, withWorkers } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { ackError, closeAllClients, newKey, okData, openClient } from './realtime-support';

let env: TestEnv;
let workers: RunningWorkers;
let rt: RealtimeServer;
let seller: TestUser;

beforeAll(async () => {
  // SPEC's real bid limit (the harness relaxes it for other files): 10 bids per minute per user.
  env = await createTestEnv({ RATE_LIMIT_BIDS_PER_USER_PER_MIN: '10' });
  [rt, workers] = await Promise.all([startRealtime(await env.sibling(), 0), withWorkers(await env.sibling())]);
  seller = await createUser(env.deps);
});
afterAll(async () => {
  closeAllClients();
  await rt.stop();
  await workers.stop();
  await env.close();
});

describe('socket bids: same path, rules and limits as REST', () => {
  it('acks bid_too_low with minNextBidCents, bid_not_higher, own_listing, and replays an idempotent retry', async () => {
    const listing = await createActiveListing(env.deps, seller.id, { startingPriceCents: 500 });
    const [alice, bob] = await Promise.all([createUser(env.deps), createUser(env.deps)]);
    const a = await openClient(rt.port, alice.accessToken);
    const b = await openClient(rt.port, bob.accessToken);
    const key = newKey();
    const first = okData(await a.ack('bid', { listingId: listing.id, maxAmountCents: 1000, idempotencyKey: key }));
    expect(first).toMatchObject({ outcome: 'leading', currentPriceCents: 500, isLeader: true, minNextBidCents: 550 });
    expect(okData(await a.ack('bid', { listingId: listing.id, maxAmountCents: 1000, idempotencyKey: key }))).toEqual(first);
    expect(ackError(await a.ack('bid', { listingId: listing.id, maxAmountCents: 1200, idempotencyKey: key }))).toMatchObject({
      status: 422,
      code: 'idempotency_key_reused',
    });

    expect(ackError(await b.ack('bid', { listingId: listing.id, maxAmountCents: 520, idempotencyKey: newKey() }))).toMatchObject({
      status: 409,
      code: 'bid_too_low',
      minNextBidCents: 550,
      type: expect.any(String),
      detail: expect.any(String),
    });
    expect(ackError(await a.ack('bid', { listingId: listing.id, maxAmountCents: 900, idempotencyKey: newKey() }))).toMatchObject({
      status: 409,
      code: 'bid_not_higher',
    });
    const s = await openClient(rt.port, seller.accessToken);
    expect(ackError(await s.ack('bid', { listingId: listing.id, maxAmountCents: 5000, idempotencyKey: newKey() }))).toMatchObject({
      status: 403,
      code: 'own_listing',
    });
    expect(
      ackError(await b.ack('bid', { listingId: '00000000-0000-4000-8000-000000000000', maxAmountCents: 5000, idempotencyKey: newKey() })),
    ).toMatchObject({
      status: 404,
    });
  });

  it('validates the payload like the REST body, naming each field', async () => {
    const listing = await createActiveListing(env.deps, seller.id);
    const bidder = await createUser(env.deps);
    const c = await openClient(rt.port, bidder.accessToken);
    const fields = async (payload: unknown) =>
      (ackError(await c.ack('bid', payload)).errors as Array<{ field: string }>).map((e) => e.field).sort();
    expect(await fields({ listingId: listing.id, maxAmountCents: 1000 })).toEqual(['idempotencyKey']);
    expect(await fields({ listingId: listing.id, maxAmountCents: 10.5, idempotencyKey: 'k' })).toEqual(['maxAmountCents']);
    expect(await fields({ listingId: listing.id, maxAmountCents: '1000', idempotencyKey: 'has space' })).toEqual([
      'idempotencyKey',
      'maxAmountCents',
    ]);
    expect(await fields({ listingId: 'x', maxAmountCents: 1000, idempotencyKey: 'k', extra: true })).toEqual(['extra', 'listingId']);
  });

  it('obeys the shared 10 bids/min per user (socket and REST draw from the same budget)', async () => {
    const listing = await createActiveListing(env.deps, seller.id);
    const bidder = await createUser(env.deps);
    const c = await openClient(rt.port, bidder.accessToken);
    const answers = [];
    for (let i = 0; i < 11; i += 1)
      answers.push(await c.ack('bid', { listingId: listing.id, maxAmountCents: 1000 + i * 100, idempotencyKey: newKey() }));
    expect(answers.slice(0, 10).every((r) => r.ok)).toBe(true);
    const limited = ackError(answers[10]);
    expect(limited).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(limited.retryAfterSec).toBeGreaterThanOrEqual(1);
    expect(limited.retryAfterSec).toBeLessThanOrEqual(60);
    const rest = await env.http.post(`/v1/listings/${listing.id}/bids`).set(bidder.auth).send({ maxAmountCents: 9000 });
    expect(rest.status).toBe(429);
  });

  it(`limits each socket to ${SOCKET_EVENTS_PER_SEC} events/s (token bucket), without touching other sockets`, async () => {
    const user = await createUser(env.deps);
    const noisy = await openClient(rt.port, user.accessToken);
    const calm = await openClient(rt.port, user.accessToken);
    const listingId = '00000000-0000-4000-8000-000000000001';
    const answers = await Promise.all(Array.from({ length: 30 }, () => noisy.ack('unsubscribe', { listingId })));
    const ok = answers.filter((r) => r.ok).length;
    expect(ok).toBeGreaterThanOrEqual(SOCKET_EVENTS_PER_SEC);
    expect(ok).toBeLessThan(25);
    expect(ackError(answers[answers.length - 1])).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSec: 1 });
    expect(okData(await calm.ack('unsubscribe', { listingId }))).toEqual({ listingId });
    await new Promise((r) => setTimeout(r, 300));
    expect((await noisy.ack('unsubscribe', { listingId })).ok).toBe(true);
  });
});

describe('per-event bookkeeping', () => {
  it('keeps nothing per answered event on a long-lived socket (no disconnect listener piles up)', async () => {
    const user = await createUser(env.deps);
    const client = await openClient(rt.port, user.accessToken);
    const server = rt.io.of('/').sockets.get(client.socket.id!)!;
    const baseline = server.listenerCount('disconnect');
    const listingId = '00000000-0000-4000-8000-000000000001';
    // 3 bursts of 15 answered events, under the 20/s budget.
    for (let burst = 0; burst < 3; burst += 1) {
      const answers = await Promise.all(Array.from({ length: 15 }, () => client.ack('unsubscribe', { listingId })));
      expect(answers.every((a) => a.ok)).toBe(true);
      await new Promise((r) => setTimeout(r, 800));
    }
    expect(server.listenerCount('disconnect')).toBe(baseline);
  });

  it('answers 30 acked events sent at once on one socket without piling a listener per pending event', async () => {
    const listing = await createActiveListing(env.deps, seller.id);
    const user = await createUser(env.deps);
    const client = await openClient(rt.port, user.accessToken);
    const server = rt.io.of('/').sockets.get(client.socket.id!)!;
    const baseline = server.listenerCount('disconnect');
    // Runs after the guards for every event that passes them, i.e. while it and those before it are pending.
    let peak = baseline;
    server.use((_packet, next) => {
      peak = Math.max(peak, server.listenerCount('disconnect'));
      next();
    });
    const warnings: string[] = [];
    const onWarning = (w: Error) => {
      if (w.name === 'MaxListenersExceededWarning') warnings.push(w.message);
    };
    // Jest gives each test file its own copy of `process`; Node emits the warning on the real one.
    const realProcess = runInThisContext('process') as NodeJS.Process;
    realProcess.on('warning', onWarning);
    try {
      const answers = await Promise.all(Array.from({ length: 30 }, () => client.ack('subscribe', { listingId: listing.id })));
      // Every ack arrives: the first SOCKET_EVENTS_PER_SEC are served, the rest refused by the per-socket budget.
      const served = answers.filter((a) => a.ok);
      expect(served.length).toBeGreaterThanOrEqual(SOCKET_EVENTS_PER_SEC);
      expect(served.map(okData)).toEqual(served.map(() => expect.objectContaining({ listingId: listing.id })));
      for (const refused of answers.filter((a) => !a.ok)) expect(ackError(refused)).toMatchObject({ status: 429, code: 'rate_limited' });
      await new Promise((r) => setImmediate(r)); // process 'warning' is emitted on a later tick
      expect(warnings).toEqual([]);
      // No listener per pending event: the count Node's warning watches never moves.
      expect(peak).toBe(baseline);
      expect(peak).toBeLessThanOrEqual(server.getMaxListeners());
      expect(server.listenerCount('disconnect')).toBe(baseline);
    } finally {
      realProcess.off('warning', onWarning);
    }
  });
});
