import type { RealtimeConnection } from './realtime';
import { LISTING_EVENT_NAMES, type ListingEvent, type ListingEventName } from './socket-events';

/** A page of `GET /v1/listings/:id/events?after=` (stored events in seq order). */
export interface StoredEventPage {
  items: { seq: number; type: string; payload: Record<string, unknown> }[];
  nextAfter: number | null;
}
export type FetchListingEvents = (listingId: string, after: number) => Promise<StoredEventPage>;

export interface ListingHandlers {
  /** Every listing event, in seq order, each seq exactly once (gaps filled from the events route). */
  onEvent(event: ListingEvent): void;
  /** After each (re)subscription has caught up. */
  onSynced?(state: { lastSeq: number }): void;
  onError?(error: unknown): void;
}

export interface WatchOptions {
  /** Resume after this seq (e.g. the `lastSeq` an app stored); omitted = from the moment of subscribing. */
  afterSeq?: number;
}

export interface ListingWatch {
  /** The seq of the last event delivered (undefined until the first subscription is acknowledged). */
  readonly lastSeq: number | undefined;
  /** Resolves once the first subscription has caught up. */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

const seqOf = (e: ListingEvent) => e.payload.seq;
const firstSeqOf = (e: ListingEvent) => (e.type === 'bid_placed' && e.payload.fromSeq !== undefined ? e.payload.fromSeq : e.payload.seq);

/**
 * Watches one listing with the protocol of realtime/README.md "Listing events": subscribe with
 * `afterSeq` on every (re)connect; buffer the listing's events until the ack (replayed and live ones
 * may interleave), then apply by seq dropping what was seen; a gap — or a coalesced `bid_placed`
 * (`fromSeq`), which stands for several events — is filled from `GET /v1/listings/:id/events`. All of it
 * runs on one promise chain, so the handler sees events strictly in order.
 */
class ListingWatcher implements ListingWatch {
  lastSeq: number | undefined;
  readonly ready: Promise<void>;
  private markReady!: () => void;
  private buffering = true;
  private buffer: ListingEvent[] = [];
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly detach: (() => void)[] = [];

  constructor(
    private readonly conn: RealtimeConnection,
    private readonly listingId: string,
    private readonly fetchEvents: FetchListingEvents,
    private readonly handlers: ListingHandlers,
    options: WatchOptions,
  ) {
    this.lastSeq = options.afterSeq;
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    const socket = conn.socket;
    for (const name of LISTING_EVENT_NAMES) {
      const listener = (payload: { listingId: string }) => {
        if (payload.listingId === listingId) this.receive({ type: name, payload } as ListingEvent);
      };
      socket.on(name as ListingEventName, listener as never);
      this.detach.push(() => socket.off(name as ListingEventName, listener as never));
    }
    const onConnect = () => this.resubscribe();
    socket.on('connect', onConnect);
    this.detach.push(() => socket.off('connect', onConnect));
    if (socket.connected) this.resubscribe();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.detach) off();
    if (this.conn.socket.connected) await this.conn.request('unsubscribe', { listingId: this.listingId }).catch(() => undefined);
  }

  private receive(event: ListingEvent): void {
    if (this.stopped) return;
    if (this.buffering) this.buffer.push(event);
    else this.enqueue(() => this.apply(event));
  }

  private enqueue(task: () => Promise<void>): void {
    this.chain = this.chain.then(task).catch((err) => this.handlers.onError?.(err));
  }

  private resubscribe(): void {
    this.buffering = true;
    this.enqueue(() => this.subscribe());
  }

  private async subscribe(): Promise<void> {
    try {
      const ack = await this.conn.request('subscribe', {
        listingId: this.listingId,
        ...(this.lastSeq === undefined ? {} : { afterSeq: this.lastSeq }),
      });
      this.lastSeq ??= ack.currentSeq;
      const pending = this.buffer.sort((a, b) => seqOf(a) - seqOf(b));
      this.buffer = [];
      for (const event of pending) await this.apply(event);
      // A replay cut at its cap (`nextAfter`) ends below the head: the events route has the rest.
      if (this.lastSeq < ack.currentSeq) await this.catchUp();
      this.handlers.onSynced?.({ lastSeq: this.lastSeq });
    } finally {
      // Whatever came in meanwhile (a failed subscribe included) is applied in order from here on.
      this.buffering = false;
      const rest = this.buffer.sort((a, b) => seqOf(a) - seqOf(b));
      this.buffer = [];
      for (const event of rest) this.enqueue(() => this.apply(event));
      this.markReady();
    }
  }

  private async apply(event: ListingEvent): Promise<void> {
    if (this.lastSeq === undefined) return;
    if (seqOf(event) <= this.lastSeq) return;
    const coalesced = firstSeqOf(event) !== seqOf(event);
    if (coalesced || firstSeqOf(event) > this.lastSeq + 1) await this.catchUp();
    // The events route normally covers it (it was stored before it was sent); if not, deliver it as is.
    if (seqOf(event) > this.lastSeq) this.deliver(event);
  }

  /** Reads stored events after `lastSeq` until the route has no more. */
  private async catchUp(): Promise<void> {
    for (;;) {
      const page = await this.fetchEvents(this.listingId, this.lastSeq!);
      for (const item of page.items) {
        if (item.seq > this.lastSeq!) this.deliver({ type: item.type, payload: { ...item.payload, seq: item.seq } } as ListingEvent);
      }
      if (page.nextAfter === null || page.items.length === 0) return;
    }
  }

  private deliver(event: ListingEvent): void {
    this.lastSeq = seqOf(event);
    if (this.stopped) return;
    try {
      this.handlers.onEvent(event);
    } catch (err) {
      this.handlers.onError?.(err);
    }
  }
}

/** Starts watching `listingId` on `conn`; see ListingWatcher. */
export function watchListing(
  conn: RealtimeConnection,
  listingId: string,
  fetchEvents: FetchListingEvents,
  handlers: ListingHandlers,
  options: WatchOptions = {},
): ListingWatch {
  return new ListingWatcher(conn, listingId, fetchEvents, handlers, options);
}
