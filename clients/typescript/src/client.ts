import createClient, { type Client } from 'openapi-fetch';
import { asProblem, BiddtApiError } from './errors';
import type { paths } from './generated/api-types';
import { authFetch, idempotencyMiddleware } from './http';
import { randomKey } from './ids';
import { watchListing, type ListingHandlers, type ListingWatch, type StoredEventPage, type WatchOptions } from './listing-watch';
import { placeBid, type PlaceBidInput, type PlaceBidOptions } from './place-bid';
import { RealtimeConnection, type RealtimeOptions } from './realtime';
import type { BidAccepted } from './socket-events';
import { TokenSession, type Tokens, type TokenStorage } from './tokens';

export interface BiddtClientOptions {
  /** The API origin, e.g. `https://api.biddt.example` (paths start with /v1). */
  baseUrl: string;
  /** The Socket.IO origin (default: baseUrl). */
  realtimeUrl?: string;
  /** Tokens the app stored from an earlier session. */
  tokens?: Tokens | null;
  /** Persists the tokens whenever they change (sign-in, rotation, sign-out → null). */
  onTokens?: TokenStorage;
  fetch?: typeof fetch;
  /** Idempotency-Key generator (default: a random UUID). */
  newIdempotencyKey?: () => string;
  realtime?: RealtimeOptions;
}

export type BiddtApi = Client<paths>;

export interface BiddtClient {
  /** Typed REST calls: `api.GET('/v1/listings/{id}', {params: {path: {id}}})` → `{data, error, response}`. */
  api: BiddtApi;
  session: TokenSession;
  /** Signs in with a phone number and the texted code; stores the tokens. */
  signInWithPhone(
    phoneNumber: string,
    code: string,
  ): Promise<paths['/v1/auth/phone/verify']['post']['responses'][200]['content']['application/json']>;
  /** Ends this session server-side and forgets the tokens. */
  signOut(): Promise<void>;
  /** The user's Socket.IO connection (created on first use, connected on `connect()`). */
  realtime(): RealtimeConnection;
  /** Follows a listing's events in order, exactly once, across reconnects. */
  watchListing(listingId: string, handlers: ListingHandlers, options?: WatchOptions): ListingWatch;
  /** Places a bid and resolves with the decided answer (handles 202 + `bid_result`). */
  placeBid(input: PlaceBidInput & { via?: 'socket' | 'rest' }, options?: PlaceBidOptions): Promise<BidAccepted>;
  /** Closes the socket. */
  close(): void;
}

/** `data` of an openapi-fetch result, or a BiddtApiError with the server's problem. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  throw new BiddtApiError(asProblem(result.response.status, result.error));
}

export function createBiddtClient(options: BiddtClientOptions): BiddtClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const baseFetch: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const newKey = options.newIdempotencyKey ?? randomKey;
  const session = new TokenSession(baseUrl, baseFetch, options.tokens ?? null, options.onTokens);
  const api = createClient<paths>({ baseUrl, fetch: authFetch(session, baseFetch) });
  api.use(idempotencyMiddleware(newKey));
  let conn: RealtimeConnection | undefined;
  const realtime = () => (conn ??= new RealtimeConnection(options.realtimeUrl ?? baseUrl, session, options.realtime));

  const fetchEvents = async (listingId: string, after: number): Promise<StoredEventPage> =>
    unwrap(await api.GET('/v1/listings/{id}/events', { params: { path: { id: listingId }, query: { after } } }));

  return {
    api,
    session,
    async signInWithPhone(phoneNumber, code) {
      const pair = unwrap(await api.POST('/v1/auth/phone/verify', { body: { phoneNumber, code } }));
      await session.set(pair);
      return pair;
    },
    async signOut() {
      const res = await api.DELETE('/v1/auth/logout');
      await session.set(null);
      conn?.close();
      conn = undefined;
      if (!res.response.ok && res.response.status !== 401) throw new BiddtApiError(asProblem(res.response.status, res.error));
    },
    realtime,
    watchListing: (listingId, handlers, watchOptions) => watchListing(realtime(), listingId, fetchEvents, handlers, watchOptions),
    placeBid({ via = 'socket', ...input }, bidOptions) {
      const full = { ...input, idempotencyKey: input.idempotencyKey ?? newKey() };
      const send =
        via === 'socket'
          ? (i: Required<PlaceBidInput>) => realtime().request('bid', i)
          : async (i: Required<PlaceBidInput>) =>
              unwrap(
                await api.POST('/v1/listings/{id}/bids', {
                  params: { path: { id: i.listingId }, header: { 'idempotency-key': i.idempotencyKey } },
                  body: { maxAmountCents: i.maxAmountCents },
                }),
              );
      return placeBid(realtime(), send, full, bidOptions);
    },
    close() {
      conn?.close();
      conn = undefined;
    },
  };
}
