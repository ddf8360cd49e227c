import { z } from './zod';

/**
 * The server → client Socket.IO events that go out through the outbox (SPEC §6), with the fields
 * every producer writes. Objects are loose: an event may carry more than its contract (the bid's
 * presentation, a dispute summary), but never less. Producers type against these, and the outbox
 * relay parses every stored event with its schema before it reaches a room.
 */
const at = z.string().min(1);
const cents = z.number().int();

/** Listing events: stored with a per-listing `seq` and replayed on subscribe; bodies without listingId/seq. */
export const LISTING_EVENT_BODIES = {
  /** A bid was accepted (the price, count and end time after it). */
  bid_placed: z.looseObject({ bid: z.record(z.string(), z.unknown()), currentPriceCents: cents, bidCount: z.number().int(), endsAt: at }),
  /** A late bid pushed the end out (soft close). */
  auction_extended: z.looseObject({ endsAt: at }),
  /** A scheduled listing opened. */
  auction_started: z.looseObject({ startsAt: at }),
  /** The socket warning shortly before the end. */
  ending_soon: z.looseObject({ secondsRemaining: z.number().int(), endsAt: at }),
  /** Sold, unsold or cancelled; the final price when sold. */
  auction_ended: z.looseObject({ outcome: z.enum(['sold', 'unsold', 'cancelled']), finalPriceCents: cents.nullable() }),
  /** A bidder retracted; the recomputed price and count. */
  bids_retracted: z.looseObject({ currentPriceCents: cents, bidCount: z.number().int() }),
} as const;

export type ListingEventName = keyof typeof LISTING_EVENT_BODIES;
export type ListingEventBody<E extends ListingEventName> = z.input<(typeof LISTING_EVENT_BODIES)[E]>;

const listingEvent = <S extends z.ZodObject>(body: S) => body.extend({ listingId: z.uuid(), seq: z.number().int().positive() });

export const SOCKET_EVENTS = {
  bid_placed: listingEvent(LISTING_EVENT_BODIES.bid_placed),
  auction_extended: listingEvent(LISTING_EVENT_BODIES.auction_extended),
  auction_started: listingEvent(LISTING_EVENT_BODIES.auction_started),
  ending_soon: listingEvent(LISTING_EVENT_BODIES.ending_soon),
  auction_ended: listingEvent(LISTING_EVENT_BODIES.auction_ended),
  bids_retracted: listingEvent(LISTING_EVENT_BODIES.bids_retracted),
  /** To the displaced leader's user room only. */
  outbid: z.looseObject({ listingId: z.uuid(), yourMaxBidCents: cents, currentPriceCents: cents }),
  /** A transaction changed status (or its dispute did). */
  transaction_update: z.looseObject({ transactionId: z.uuid(), status: z.string().min(1) }),
  /** A chat message, as presented to the room. */
  new_message: z.looseObject({ transactionId: z.uuid(), message: z.record(z.string(), z.unknown()) }),
  /** Read receipts up to a message. */
  messages_read: z.looseObject({ transactionId: z.uuid(), readerId: z.uuid(), upToMessageId: z.uuid(), readAt: at }),
  /** A meetup was proposed, replaced or accepted: the transaction's current meetup (SPEC §9). */
  meetup_updated: z.looseObject({
    transactionId: z.uuid(),
    meetup: z.looseObject({
      id: z.uuid(),
      safeZone: z.looseObject({ id: z.uuid(), name: z.string() }),
      startsAt: at,
      status: z.enum(['proposed', 'accepted']),
      proposedBy: z.uuid(),
    }),
  }),
} as const;

export type SocketEventName = keyof typeof SOCKET_EVENTS;
export type SocketEventPayload<E extends SocketEventName> = z.input<(typeof SOCKET_EVENTS)[E]>;

export const isSocketEventName = (name: string): name is SocketEventName => Object.hasOwn(SOCKET_EVENTS, name);
