import { sql } from 'kysely';
import type { Trx } from '../../../db/connection';
import type { Listing, Transaction } from '../../../db/schema';
import type { Config } from '../../config/config';
import { commissionCents } from '../../shared/money';
import { writeOutbox, type OutboxMessage } from '../../shared/outbox';
import { notificationJob } from '../notifications/notification-jobs';
import { transactionCreatedMessages } from '../transactions';
import { listingRoom } from '../../shared/rooms';

export type Finale = { sold: true; buyerId: string; priceCents: number; source: 'auction' | 'buy_now' } | { sold: false };

export interface Ending {
  /** The listing as read under its row lock (the caller checked it is active). */
  listing: Listing;
  finale: Finale;
}

const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;

/** Ends one listing; see `finalizeListings`. Returns the created transaction id, if sold. */
export async function finalizeListing(trx: Trx, config: Config, listing: Listing, finale: Finale): Promise<string | null> {
  return (await finalizeListings(trx, config, [{ listing, finale }])).get(listing.id) ?? null;
}

/**
 * Ends listings whose row locks the caller holds: status, a transaction (with the fees of the day)
 * for each sale, the `auction_ended` listing event, and notifications to winner, seller and the
 * other bidders — in a fixed number of statements however many listings end together, because
 * thousands of auctions can end in the same second. Returns listing id → transaction id (or null).
 */
export async function finalizeListings(trx: Trx, config: Config, endings: Ending[]): Promise<Map<string, string | null>> {
  if (endings.length === 0) return new Map();
  await markEnded(trx, endings);
  const sales = await createTransactions(trx, config, endings);
  const bidders = await biddersOf(
    trx,
    endings.map((e) => e.listing.id),
  );
  const messages: OutboxMessage[] = [...(await storeEndedEvents(trx, endings))];
  for (const { listing, finale } of endings) {
    const sale = sales.get(listing.id);
    if (sale) messages.push(...transactionCreatedMessages(sale, listing.title));
    messages.push(...endNotifications(listing, finale, bidders.get(listing.id) ?? []));
  }
  await writeOutbox(trx, messages);
  return new Map(endings.map((e) => [e.listing.id, sales.get(e.listing.id)?.id ?? null]));
}

/** One UPDATE for all: status, winner, end time, and the seq taken by the `auction_ended` event. */
async function markEnded(trx: Trx, endings: Ending[]): Promise<void> {
  const rows = endings.map(
    ({ listing, finale }) =>
      sql`(${listing.id}::uuid, ${finale.sold ? 'ended_sold' : 'ended_unsold'}, ${finale.sold ? finale.buyerId : null}::uuid)`,
  );
  await sql`
    UPDATE listings AS l
       SET status = v.status, winner_id = v.winner_id, ended_at = now(), event_seq = l.event_seq + 1
      FROM (VALUES ${sql.join(rows)}) AS v (id, status, winner_id)
     WHERE l.id = v.id`.execute(trx);
}

async function createTransactions(trx: Trx, config: Config, endings: Ending[]): Promise<Map<string, Transaction>> {
  const sold = endings.flatMap(({ listing, finale }) => (finale.sold ? [{ listing, finale }] : []));
  if (sold.length === 0) return new Map();
  const created = await trx
    .insertInto('transactions')
    .values(
      sold.map(({ listing, finale }) => {
        const commission = commissionCents(finale.priceCents, config.fees.commissionBps);
        return {
          listingId: listing.id,
          buyerId: finale.buyerId,
          sellerId: listing.sellerId,
          amountCents: finale.priceCents,
          commissionBps: config.fees.commissionBps,
          commissionCents: commission,
          escrowFeeCents: config.fees.escrowFeeCents,
          sellerPayoutCents: finale.priceCents - commission - config.fees.escrowFeeCents,
          source: finale.source,
          paymentDueAt: sql<Date>`now() + make_interval(secs => ${config.timing.paymentDeadlineSec})`,
        };
      }),
    )
    .returningAll()
    .execute();
  return new Map(created.map((tx) => [tx.listingId, tx]));
}

/** The `auction_ended` events at the seq `markEnded` reserved (the row's seq + 1, under its lock). */
async function storeEndedEvents(trx: Trx, endings: Ending[]): Promise<OutboxMessage[]> {
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
  await trx
    .insertInto('listingEvents')
    .values(events.map((e) => ({ listingId: e.listingId, seq: e.seq, type: 'auction_ended', payload: JSON.stringify(e.payload) })))
    .execute();
  return events.map((e) => ({ kind: 'event', rooms: [listingRoom(e.listingId)], event: 'auction_ended', data: e.payload }));
}

async function biddersOf(trx: Trx, listingIds: string[]): Promise<Map<string, string[]>> {
  const rows = await trx
    .selectFrom('listingBidders')
    .select(['listingId', 'bidderId'])
    .where('listingId', 'in', listingIds)
    .where('retractedAt', 'is', null)
    .execute();
  const byListing = new Map<string, string[]>();
  for (const r of rows) byListing.set(r.listingId, [...(byListing.get(r.listingId) ?? []), r.bidderId]);
  return byListing;
}

function endNotifications(listing: Listing, finale: Finale, bidders: string[]): OutboxMessage[] {
  const key = (who: string, type: string) => `${type}-${listing.id}-${who}`;
  const title = `"${listing.title}"`;
  const data = { listingId: listing.id };
  if (!finale.sold) {
    return [
      notificationJob({
        userId: listing.sellerId,
        type: 'unsold',
        dedupeKey: key(listing.sellerId, 'unsold'),
        title: 'Your auction ended unsold',
        body: `${title} ended without a winning bid.`,
        data,
      }),
      ...bidders.map((b) =>
        notificationJob({
          userId: b,
          type: 'lost',
          dedupeKey: key(b, 'lost'),
          title: 'Auction ended',
          body: `${title} ended without a sale.`,
          data,
        }),
      ),
    ];
  }
  const price = dollars(finale.priceCents);
  const sale = { ...data, priceCents: finale.priceCents };
  return [
    notificationJob({
      userId: finale.buyerId,
      type: 'won',
      dedupeKey: key(finale.buyerId, 'won'),
      title: 'You won!',
      body: `You won ${title} for ${price}. Pay within 48 hours.`,
      data: sale,
    }),
    notificationJob({
      userId: listing.sellerId,
      type: 'sold',
      dedupeKey: key(listing.sellerId, 'sold'),
      title: 'Sold!',
      body: `${title} sold for ${price}.`,
      data: sale,
    }),
    ...bidders
      .filter((b) => b !== finale.buyerId)
      .map((b) =>
        notificationJob({
          userId: b,
          type: 'lost',
          dedupeKey: key(b, 'lost'),
          title: 'Auction ended',
          body: `${title} sold to another bidder for ${price}.`,
          data,
        }),
      ),
  ];
}
