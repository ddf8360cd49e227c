import type { Trx } from '../../../db/connection';
import type { Transaction } from '../../../db/schema';
import type { LockedAuction } from './auctions.repository';
import type { CommitAfter } from '../../../db/pipelined-transaction';
import { executeWrites } from '../../../db/writes';
import { outboxWrites, type OutboxMessage } from '../../shared/outbox';
import { listingRoom } from '../../shared/rooms';
import { createSales, transactionCreatedMessages, type SaleTerms } from '../transactions';
import { notificationJobs, type NotificationDraft } from '../../shared/jobs';
import { activeBidders, endedListingsWrite } from './auctions.repository';
import { listingEventsInsert } from './listing-events.repository';

export type Finale = { sold: true; buyerId: string; priceCents: number; source: 'auction' | 'buy_now' } | { sold: false };

export interface Ending {
  /** The listing as read under its row lock (the caller checked it is active). */
  listing: LockedAuction;
  finale: Finale;
}


/** Ends one listing; see `finalizeListings`. Returns the created transaction (as inserted), if sold. */
export async function finalizeListing(trx: Trx, config: SaleTerms, listing: LockedAuction, finale: Finale): Promise<Transaction | null> {
  return (await endListings(trx, config, [{ listing, finale }])).get(listing.id) ?? null;
}

/**
 * Ends listings whose row locks the caller holds: status, a transaction (with the fees of the day)
 * for each sale, the `auction_ended` listing event, and notifications to winner, seller and the
 * other bidders — in a fixed number of statements however many listings end together, because
 * thousands of auctions can end in the same second. Returns listing id → transaction id (or null).
 * `jobsAt`: the batch's jobs (notifications, payment reminder and deadline) are queued no earlier;
 * its events (`auction_ended`, `transaction_update`) still go at once. `commitAfter`: from the
 * caller's pipelined transaction (db/pipelined-transaction.ts), to send COMMIT behind the last write.
 */
export async function finalizeListings(
  trx: Trx,
  config: SaleTerms,
  endings: Ending[],
  options: { jobsAt?: Date; commitAfter?: CommitAfter } = {},
): Promise<Map<string, string | null>> {
  const sales = await endListings(trx, config, endings, options);
  return new Map(endings.map((e) => [e.listing.id, sales.get(e.listing.id)?.id ?? null]));
}

/**
 * The work of `finalizeListings`; returns listing id → created transaction for the sold ones. Two
 * round trips after the caller's lock, however many listings end: the sales (their ids and
 * deadlines are needed for the outbox) together with the bidders to notify, then every write in one
 * statement. The bidders are read after the caller's lock, not with it: a statement's snapshot
 * predates its wait for the lock, and a bid batch committed during that wait may have added a bidder.
 */
async function endListings(
  trx: Trx,
  config: SaleTerms,
  endings: Ending[],
  { jobsAt, commitAfter = (last) => last }: { jobsAt?: Date; commitAfter?: CommitAfter } = {},
): Promise<Map<string, Transaction>> {
  if (endings.length === 0) return new Map();
  const [sales, bidders] = await Promise.all([
    createTransactions(trx, config, endings),
    biddersOf(
      trx,
      endings.map((e) => e.listing.id),
    ),
  ]);
  const ended = endedEvents(endings);
  const messages: OutboxMessage[] = [...ended.messages];
  const notifications: NotificationDraft[] = [];
  for (const { listing, finale } of endings) {
    const sale = sales.get(listing.id);
    if (sale) messages.push(...transactionCreatedMessages(sale, listing.title));
    notifications.push(...endNotifications(listing, finale, bidders.get(listing.id) ?? [], config.timing.paymentDeadlineSec));
  }
  // Different tables, none reading another's rows: safe as one statement (see executeWrites). The
  // whole batch's winners, sellers and losers go in as few jobs as possible (a job per recipient
  // cost ≈ 50 Redis commands each, in the very second thousands of auctions close).
  await commitAfter(
    executeWrites(trx, [
      endedListingsWrite(
        trx,
        endings.map(({ listing, finale }) => ({
          listingId: listing.id,
          status: finale.sold ? 'ended_sold' : 'ended_unsold',
          winnerId: finale.sold ? finale.buyerId : null,
        })),
      ),
      listingEventsInsert(trx, ended.rows),
      ...outboxWrites(trx, [...messages, ...notificationJobs(notifications)], { jobsNotBefore: jobsAt }),
    ]),
  );
  return sales;
}

/** The sales of the sold listings, created by the transactions module inside this transaction. */
function createTransactions(trx: Trx, config: SaleTerms, endings: Ending[]) {
  const sold = endings.flatMap(({ listing, finale }) =>
    finale.sold
      ? [
          {
            listingId: listing.id,
            buyerId: finale.buyerId,
            sellerId: listing.sellerId,
            priceCents: finale.priceCents,
            source: finale.source,
          },
        ]
      : [],
  );
  return createSales(trx, config, sold);
}

/** The `auction_ended` events at the seq the end takes (the row's seq + 1, read under its lock). */
function endedEvents(endings: Ending[]) {
  const events = endings.map(({ listing, finale }) => {
    const seq = Number(listing.eventSeq) + 1;
    const payload = {
      listingId: listing.id,
      outcome: finale.sold ? 'sold' : 'unsold',
      finalPriceCents: finale.sold ? finale.priceCents : null,
      seq,
    };
    return { listingId: listing.id, seq, payload };
  });
  return {
    rows: events.map((e) => ({ listingId: e.listingId, seq: e.seq, type: 'auction_ended', payload: JSON.stringify(e.payload) })),
    messages: events.map((e): OutboxMessage => ({ kind: 'event', rooms: [listingRoom(e.listingId)], event: 'auction_ended', data: e.payload })),
  };
}

async function biddersOf(trx: Trx, listingIds: string[]): Promise<Map<string, string[]>> {
  const rows = await activeBidders(trx, listingIds);
  const byListing = new Map<string, string[]>();
  for (const r of rows) byListing.set(r.listingId, [...(byListing.get(r.listingId) ?? []), r.bidderId]);
  return byListing;
}

/** Who hears of the end: the seller, the winner (if sold) and every other active bidder. */
function endNotifications(listing: LockedAuction, finale: Finale, bidders: string[], paymentDeadlineSec: number): NotificationDraft[] {
  const listingTitle = listing.title;
  const to = (userId: string, type: 'won' | 'sold' | 'unsold' | 'lost', text: NotificationDraft['text'], data: Record<string, unknown>): NotificationDraft => ({
    userId,
    type,
    dedupeKey: `${type}-${listing.id}-${userId}`,
    text,
    data,
  });
  const data = { listingId: listing.id };
  if (!finale.sold) {
    return [
      to(listing.sellerId, 'unsold', { key: 'unsold', params: { listingTitle } }, data),
      ...bidders.map((b) => to(b, 'lost', { key: 'lost_no_sale', params: { listingTitle } }, data)),
    ];
  }
  const priceCents = finale.priceCents;
  const sale = { ...data, priceCents };
  return [
    to(finale.buyerId, 'won', { key: 'won', params: { listingTitle, priceCents, paymentDeadlineSec } }, sale),
    to(listing.sellerId, 'sold', { key: 'sold', params: { listingTitle, priceCents } }, sale),
    ...bidders.filter((b) => b !== finale.buyerId).map((b) => to(b, 'lost', { key: 'lost', params: { listingTitle, priceCents } }, data)),
  ];
}
