import { sql, type Transaction } from 'kysely';
import type { Database, Listing } from '../../../db/schema';
import type { Config } from '../../config/config';
import { commissionCents } from '../../shared/money';
import { writeOutbox, type OutboxMessage } from '../../shared/outbox';
import { notificationJob } from '../notifications/notification-jobs';
import { transactionCreatedMessages } from '../transactions/transaction-events';
import { appendListingEvents } from './listing-events';

export type Finale = { sold: true; buyerId: string; priceCents: number; source: 'auction' | 'buy_now' } | { sold: false };

const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;

/**
 * Ends a listing (caller holds its row lock and has checked it is active): status, transaction with
 * the fees of the day, `auction_ended` event, and notifications to winner, seller and other bidders.
 * Returns the created transaction id, if sold.
 */
export async function finalizeListing(trx: Transaction<Database>, config: Config, listing: Listing, finale: Finale): Promise<string | null> {
  await trx
    .updateTable('listings')
    .set({ status: finale.sold ? 'ended_sold' : 'ended_unsold', winnerId: finale.sold ? finale.buyerId : null, endedAt: sql<Date>`now()` })
    .where('id', '=', listing.id)
    .execute();
  const messages: OutboxMessage[] = [];
  let transactionId: string | null = null;
  if (finale.sold) {
    const tx = await createTransaction(trx, config, listing, finale);
    transactionId = tx.id;
    messages.push(...transactionCreatedMessages(tx, listing.title));
  }
  const ended = await appendListingEvents(trx, listing.id, [
    { type: 'auction_ended', payload: { outcome: finale.sold ? 'sold' : 'unsold', finalPriceCents: finale.sold ? finale.priceCents : null } },
  ]);
  messages.push(...ended, ...(await endNotifications(trx, listing, finale)));
  await writeOutbox(trx, messages);
  return transactionId;
}

async function createTransaction(trx: Transaction<Database>, config: Config, listing: Listing, finale: Extract<Finale, { sold: true }>) {
  const commission = commissionCents(finale.priceCents, config.fees.commissionBps);
  return trx
    .insertInto('transactions')
    .values({
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
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

async function endNotifications(trx: Transaction<Database>, listing: Listing, finale: Finale): Promise<OutboxMessage[]> {
  const key = (who: string, type: string) => `${type}-${listing.id}-${who}`;
  const bidders = await trx.selectFrom('listingBidders').select('bidderId').where('listingId', '=', listing.id).where('retractedAt', 'is', null).execute();
  const title = `"${listing.title}"`;
  if (!finale.sold) {
    return [
      notificationJob({ userId: listing.sellerId, type: 'unsold', dedupeKey: key(listing.sellerId, 'unsold'), title: 'Your auction ended unsold', body: `${title} ended without a winning bid.`, data: { listingId: listing.id } }),
      ...bidders.map((b) =>
        notificationJob({ userId: b.bidderId, type: 'lost', dedupeKey: key(b.bidderId, 'lost'), title: 'Auction ended', body: `${title} ended without a sale.`, data: { listingId: listing.id } }),
      ),
    ];
  }
  const price = dollars(finale.priceCents);
  return [
    notificationJob({ userId: finale.buyerId, type: 'won', dedupeKey: key(finale.buyerId, 'won'), title: 'You won!', body: `You won ${title} for ${price}. Pay within 48 hours.`, data: { listingId: listing.id, priceCents: finale.priceCents } }),
    notificationJob({ userId: listing.sellerId, type: 'sold', dedupeKey: key(listing.sellerId, 'sold'), title: 'Sold!', body: `${title} sold for ${price}.`, data: { listingId: listing.id, priceCents: finale.priceCents } }),
    ...bidders
      .filter((b) => b.bidderId !== finale.buyerId)
      .map((b) =>
        notificationJob({ userId: b.bidderId, type: 'lost', dedupeKey: key(b.bidderId, 'lost'), title: 'Auction ended', body: `${title} sold to another bidder for ${price}.`, data: { listingId: listing.id } }),
      ),
  ];
}
