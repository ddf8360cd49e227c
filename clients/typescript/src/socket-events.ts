/**
 * The Socket.IO protocol (realtime/README.md) as types, shared by the client and the realtime server:
 * `io<ServerToClientEvents, ClientToServerEvents>(…)` on the client, `Server<ClientToServerEvents,
 * ServerToClientEvents>` on the server. Shapes that REST also returns come from the generated OpenAPI
 * types, so a socket payload and its REST twin cannot drift apart.
 */
import type { components } from './generated/api-types';

type Schemas = components['schemas'];

/** An RFC 9457 problem as acks and `bid_result` carry it (no `instance`; a 429 has `retryAfterSec`). */
export type SocketProblem = Omit<Schemas['Problem'], 'instance'> & { retryAfterSec?: number };

/** Every client event is answered `{ok: true, data}` or `{ok: false, error}`. */
export type AckResponse<T> = { ok: true; data: T } | { ok: false; error: SocketProblem };
export type Ack<T> = (response: AckResponse<T>) => void;

export type BidAccepted = Schemas['BidAccepted'];
export type Bid = Schemas['Bid'];
export type TransactionStatus = Schemas['Transaction']['status'];

// ---- client → server -------------------------------------------------------------------------

export interface AuthPayload {
  token: string;
}
export interface AuthAckData {
  expiresAt: string;
}
export interface SubscribePayload {
  listingId: string;
  /** Replays every stored event with a higher seq; omit for "from now on". */
  afterSeq?: number;
}
export interface SubscribeAckData {
  listingId: string;
  /** Every event with a higher seq arrives live. */
  currentSeq: number;
  replayed: number;
  /** Non-null when the replay stopped at its cap: continue with `GET /v1/listings/:id/events?after=nextAfter`. */
  nextAfter: number | null;
}
export interface UnsubscribePayload {
  listingId: string;
}
export interface BidPayload {
  listingId: string;
  maxAmountCents: number;
  /** `[A-Za-z0-9_.:-]{1,200}`; the same key resends the same bid safely. */
  idempotencyKey: string;
}
/** REST's 201 body, or `{requestId}` when undecided within the wait (a `bid_result` follows). */
export type BidAckData = BidAccepted | { requestId: string };
export interface TransactionRoomPayload {
  transactionId: string;
}
export interface MessagePayload {
  transactionId: string;
  content: string;
}

export interface ClientToServerEvents {
  auth: (payload: AuthPayload, ack: Ack<AuthAckData>) => void;
  subscribe: (payload: SubscribePayload, ack: Ack<SubscribeAckData>) => void;
  unsubscribe: (payload: UnsubscribePayload, ack: Ack<UnsubscribePayload>) => void;
  bid: (payload: BidPayload, ack: Ack<BidAckData>) => void;
  join_chat: (payload: TransactionRoomPayload, ack: Ack<TransactionRoomPayload>) => void;
  leave_chat: (payload: TransactionRoomPayload, ack: Ack<TransactionRoomPayload>) => void;
  message: (payload: MessagePayload, ack: Ack<Schemas['Message']>) => void;
}

// ---- server → client: listing room (stored, with a consecutive per-listing seq) ---------------

interface ListingEventBase {
  listingId: string;
  seq: number;
}
export interface BidPlacedEvent extends ListingEventBase {
  /** The public bid (no `maxAmountCents`). */
  bid: Omit<Bid, 'maxAmountCents'>;
  currentPriceCents: number;
  bidCount: number;
  endsAt: string;
  leaderAlias: string | null;
  reserveMet: boolean;
  /** Present on a coalesced update: it stands for every event from `fromSeq` to `seq`. */
  fromSeq?: number;
}
export interface AuctionExtendedEvent extends ListingEventBase {
  endsAt: string;
}
export interface EndingSoonEvent extends ListingEventBase {
  secondsRemaining: number;
  endsAt: string;
}
export interface AuctionEndedEvent extends ListingEventBase {
  outcome: 'sold' | 'unsold' | 'cancelled';
  finalPriceCents: number | null;
}
export interface AuctionStartedEvent extends ListingEventBase {
  startsAt: string;
}

/** The listing events by name: what `GET /v1/listings/:id/events` stores and the room delivers. */
export interface ListingEvents {
  bid_placed: BidPlacedEvent;
  auction_extended: AuctionExtendedEvent;
  ending_soon: EndingSoonEvent;
  auction_ended: AuctionEndedEvent;
  auction_started: AuctionStartedEvent;
}
export type ListingEventName = keyof ListingEvents;
export const LISTING_EVENT_NAMES: readonly ListingEventName[] = [
  'bid_placed',
  'auction_extended',
  'ending_soon',
  'auction_ended',
  'auction_started',
];

/** One listing event with its name, as `watchListing` hands it over. */
export type ListingEvent = { [K in ListingEventName]: { type: K; payload: ListingEvents[K] } }[ListingEventName];

// ---- server → client: user and transaction rooms ---------------------------------------------

export interface OutbidEvent {
  listingId: string;
  yourMaxBidCents: number;
  currentPriceCents: number;
}
export type BidResultEvent = { requestId: string; ok: true; data: BidAccepted } | { requestId: string; ok: false; error: SocketProblem };
export interface NotificationEvent {
  notification: Schemas['Notification'];
}
export interface TransactionUpdateEvent {
  transactionId: string;
  listingId?: string;
  status: TransactionStatus;
}
export interface SessionExpiredEvent {
  /** `token_expired` at the access token's exp, `session_revoked` after a logout. */
  error: SocketProblem;
}
export interface NewMessageEvent {
  transactionId: string;
  message: Schemas['Message'];
}
export interface MessagesReadEvent {
  transactionId: string;
  readerId: string;
  upToMessageId: string;
  readAt: string;
}

/** A meetup was proposed, replaced or accepted: the transaction's current meetup (SPEC §9). */
export interface MeetupUpdatedEvent {
  transactionId: string;
  meetup: Schemas['Meetup'];
}

export type ServerToClientEvents = { [K in ListingEventName]: (payload: ListingEvents[K]) => void } & {
  outbid: (payload: OutbidEvent) => void;
  bid_result: (payload: BidResultEvent) => void;
  notification: (payload: NotificationEvent) => void;
  transaction_update: (payload: TransactionUpdateEvent) => void;
  session_expired: (payload: SessionExpiredEvent) => void;
  new_message: (payload: NewMessageEvent) => void;
  messages_read: (payload: MessagesReadEvent) => void;
  meetup_updated: (payload: MeetupUpdatedEvent) => void;
};
