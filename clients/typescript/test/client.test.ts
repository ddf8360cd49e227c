import { EventEmitter } from 'node:events';
import { createBiddtClient, watchListing, type ListingEvent, type RealtimeConnection, type Tokens } from '../src';

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
const expired = () =>
  json(
    401,
    { type: 'about:blank', title: 'Unauthorized', status: 401, code: 'token_expired', detail: 'expired' },
    'application/problem+json',
  );

describe('token refresh with rotation', () => {
  it('refreshes once for concurrent expired requests, retries each once with the same Idempotency-Key, and stores the new pair', async () => {
    const seen: { url: string; auth: string | null; key: string | null }[] = [];
    let refreshes = 0;
    const fake = async (input: string | URL | Request, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      seen.push({
        url: new URL(request.url).pathname,
        auth: request.headers.get('authorization'),
        key: request.headers.get('idempotency-key'),
      });
      if (request.url.endsWith('/v1/auth/refresh')) {
        refreshes += 1;
        expect(await request.json()).toEqual({ refreshToken: 'r1' });
        await new Promise((r) => setTimeout(r, 20));
        return json(200, { accessToken: 'a2', refreshToken: 'r2', tokenType: 'Bearer', expiresIn: 900, user: {} });
      }
      return request.headers.get('authorization') === 'Bearer a2' ? json(201, { ok: true }) : expired();
    };
    const stored: (Tokens | null)[] = [];
    const client = createBiddtClient({
      baseUrl: 'http://api.test',
      fetch: fake as typeof fetch,
      tokens: { accessToken: 'a1', refreshToken: 'r1' },
      onTokens: (t) => void stored.push(t),
    });
    const calls = [0, 1, 2].map(() => client.api.POST('/v1/listings/{id}/buy-now', { params: { path: { id: 'x' } } }));
    const results = await Promise.all(calls);
    expect(results.map((r) => r.response.status)).toEqual([201, 201, 201]);
    expect(refreshes).toBe(1);
    expect(stored).toEqual([{ accessToken: 'a2', refreshToken: 'r2' }]);
    const buys = seen.filter((s) => s.url.endsWith('/buy-now'));
    expect(buys).toHaveLength(6);
    const keys = new Set(buys.map((b) => b.key));
    expect(keys.size).toBe(3); // one key per call, the same on its retry
    expect([...keys].every((k) => /^[0-9a-f-]{36}$/.test(k!))).toBe(true);
  });

  it('sends no Idempotency-Key where the document declares none, and keeps a caller-provided one', async () => {
    const keys: (string | null)[] = [];
    const fake = async (input: string | URL | Request) => {
      keys.push((input as Request).headers.get('idempotency-key'));
      return json(200, {});
    };
    const client = createBiddtClient({
      baseUrl: 'http://api.test',
      fetch: fake as typeof fetch,
      tokens: { accessToken: 'a', refreshToken: 'r' },
    });
    await client.api.PATCH('/v1/users/me', { body: {} });
    await client.api.POST('/v1/transactions/{id}/pay', { params: { path: { id: 't' }, header: { 'idempotency-key': 'tap-1' } }, body: {} });
    expect(keys).toEqual([null, 'tap-1']);
  });

  it('signs out when the refresh token is refused and answers the original 401', async () => {
    const fake = async (input: string | URL | Request) =>
      (input as Request).url.endsWith('/me')
        ? expired()
        : json(401, { status: 401, code: 'invalid_refresh_token', detail: 'x', title: 'x', type: 'x' });
    const stored: (Tokens | null)[] = [];
    const client = createBiddtClient({
      baseUrl: 'http://api.test',
      fetch: (async (input: string | URL | Request, init?: RequestInit) =>
        fake(input instanceof Request ? input : new Request(input, init))) as typeof fetch,
      tokens: { accessToken: 'a', refreshToken: 'r' },
      onTokens: (t) => void stored.push(t),
    });
    const res = await client.api.GET('/v1/users/me');
    expect(res.response.status).toBe(401);
    expect(stored).toEqual([null]);
    expect(client.session.current).toBeNull();
  });
});

/** A stand-in for the socket: events are emitted by the test; `subscribe` acks what the test says. */
function fakeConnection(onSubscribe: (afterSeq: number | undefined) => { currentSeq: number; replay: ListingEvent[] }) {
  const socket = Object.assign(new EventEmitter(), { connected: true });
  const subscribes: (number | undefined)[] = [];
  const conn = {
    socket,
    async request(event: string, payload: { afterSeq?: number }) {
      if (event !== 'subscribe') return {};
      subscribes.push(payload.afterSeq);
      const { currentSeq, replay } = onSubscribe(payload.afterSeq);
      for (const e of replay) socket.emit(e.type, e.payload);
      return { listingId: L, currentSeq, replayed: replay.length, nextAfter: null };
    },
  };
  return { conn: conn as unknown as RealtimeConnection, socket, subscribes };
}

const L = '11111111-1111-4111-8111-111111111111';
const bidPlaced = (seq: number, fromSeq?: number): ListingEvent => ({
  type: 'bid_placed',
  payload: {
    listingId: L,
    seq,
    ...(fromSeq ? { fromSeq } : {}),
    bid: { id: 'b', listingId: L, alias: 'a***1', amountCents: seq * 100, isAutoBid: false, status: 'active', createdAt: '' },
    currentPriceCents: seq * 100,
    bidCount: seq,
    endsAt: '',
    leaderAlias: 'a***1',
    reserveMet: true,
  },
});
const flush = () => new Promise((r) => setTimeout(r, 10));

describe('watchListing', () => {
  it('delivers every seq once and in order: replay, duplicates, a gap, a coalesced update, a reconnect', async () => {
    const { conn, socket, subscribes } = fakeConnection((after) =>
      after === 0 ? { currentSeq: 2, replay: [bidPlaced(2), bidPlaced(1)] } : { currentSeq: 9, replay: [bidPlaced(9)] },
    );
    const stored = Array.from({ length: 5 }, (_v, i) => bidPlaced(i + 1));
    const fetched: number[] = [];
    const fetchEvents = async (_id: string, after: number) => {
      fetched.push(after);
      const items = stored
        .filter((e) => e.payload.seq > after)
        .map((e) => ({ seq: e.payload.seq, type: e.type, payload: e.payload as never }));
      return { items, nextAfter: null };
    };
    const got: number[] = [];
    const watch = watchListing(conn, L, fetchEvents, { onEvent: (e) => got.push(e.payload.seq) }, { afterSeq: 0 });
    await watch.ready;
    expect(got).toEqual([1, 2]);

    socket.emit('bid_placed', bidPlaced(2).payload); // duplicate
    socket.emit('bid_placed', bidPlaced(3).payload);
    socket.emit('bid_placed', bidPlaced(5).payload); // 4 missed → fetched
    await flush();
    expect(got).toEqual([1, 2, 3, 4, 5]);
    stored.push(bidPlaced(6), bidPlaced(7), bidPlaced(8));
    socket.emit('bid_placed', bidPlaced(8, 6).payload); // coalesced 6…8 → each read from the route
    await flush();
    expect(got).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(fetched).toEqual([3, 5]);

    socket.emit('bid_placed', { ...bidPlaced(1).payload, listingId: 'other' });
    stored.push(bidPlaced(9));
    socket.emit('connect'); // a reconnect resubscribes after the last seq seen
    await flush();
    expect(subscribes).toEqual([0, 8]);
    expect(got).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await watch.stop();
    socket.emit('bid_placed', bidPlaced(10).payload);
    await flush();
    expect(got).toHaveLength(9);
  });
});
