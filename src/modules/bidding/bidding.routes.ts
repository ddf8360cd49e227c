import { accepted, created, defineRoute, ok } from '../../http/route';
import { readIdempotencyKey } from '../../http/idempotency';
import type { Transaction } from '../../../db/schema';
import { z } from '../../shared/zod';
import { listingEventsAfter } from '../auctions';
import { presentTransaction, TransactionSchema } from '../transactions';
import {
  BidAcceptedSchema,
  BidIdParams,
  BidPage,
  BidPendingSchema,
  EventsQuery,
  HistoryQuery,
  ListingEventPage,
  ListingIdParams,
  MyBidPage,
  MyBidsQuery,
  PlaceBidBody,
  RetractionResult,
} from './bidding.schemas';
import { listingBidHistory } from './bid-history';
import { myBids } from './my-bids';
import { buyNow } from './buy-now';
import { retractBids } from './retract-bids';
import { errorOf, submitBid } from './submit-bid';

const tags = ['bidding'];

export const biddingRoutes = [
  defineRoute(
    {
      method: 'post',
      path: '/v1/listings/:id/bids',
      summary: 'Place a bid with your maximum (proxy bidding)',
      tags,
      params: ListingIdParams,
      body: PlaceBidBody,
      idempotencyHeader: true,
      responses: {
        201: { description: 'Decided: leading or outbid', schema: BidAcceptedSchema },
        202: { description: 'Not decided within the wait; a bid_result event follows in your user room', schema: BidPendingSchema },
        409: { description: 'bid_too_low (with minNextBidCents), bid_not_higher, auction_not_active, auction_ended' },
        403: { description: 'own_listing, bidder_not_allowed, bidding_suspended (two unpaid purchases within 90 days)' },
        422: { description: 'idempotency_key_reused: the key was used for a different bid' },
      },
    },
    async (deps, { actor, params, body, headers }) => {
      const idempotencyKey = readIdempotencyKey(headers['idempotency-key']);
      const outcome = await submitBid(deps, actor, { listingId: params.id, maxAmountCents: body.maxAmountCents, idempotencyKey });
      if (!outcome.decided) return accepted({ requestId: outcome.requestId });
      const error = errorOf(outcome.result);
      if (error) throw error;
      return created(outcome.result.ok ? outcome.result.data : undefined);
    },
  ),
  defineRoute(
    {
      method: 'get',
      path: '/v1/listings/:id/bids',
      summary: 'Bid history (aliases; maxima only on your own bids)',
      tags,
      auth: 'optional',
      params: ListingIdParams,
      query: HistoryQuery,
      responses: { 200: { description: 'Newest first', schema: BidPage } },
    },
    async (deps, { actor, params, query }) => ok(await listingBidHistory(deps, params.id, actor?.userId, query.limit, query.cursor)),
  ),
  defineRoute(
    {
      method: 'get',
      path: '/v1/bids/me',
      summary: 'The listings you bid on, one row each, with where you stand',
      tags,
      query: MyBidsQuery,
      responses: { 200: { description: 'Most recently bid first', schema: MyBidPage } },
    },
    async (deps, { actor, query }) => ok(await myBids(deps, actor.userId, query.limit, query.cursor)),
  ),
  defineRoute(
    {
      method: 'delete',
      path: '/v1/bids/:id',
      summary: 'Retract all your bids on that listing',
      tags,
      params: BidIdParams,
      responses: { 200: { description: 'Recomputed auction', schema: RetractionResult }, 409: { description: 'retraction_not_allowed' } },
    },
    async (deps, { actor, params }) => ok(await retractBids(deps, actor, params.id)),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/listings/:id/buy-now',
      summary: 'Buy at the buy-now price, ending the listing',
      tags,
      params: ListingIdParams,
      idempotent: true,
      responses: {
        201: { description: 'Sold to you', schema: z.object({ transaction: TransactionSchema }).openapi('BuyNowResult') },
        403: { description: 'own_listing, bidder_not_allowed, bidding_suspended (two unpaid purchases within 90 days)' },
        409: { description: 'buy_now_unavailable' },
      },
    },
    async (deps, { actor, params, idempotency }) => {
      const replyFor = (sale: Transaction) => created({ transaction: presentTransaction(sale) });
      // The reply commits with the sale: a retry after a crash gets this 201, not buy_now_unavailable.
      return replyFor(await buyNow(deps, actor, params.id, (trx, sale) => idempotency.storeIn(trx, replyFor(sale))));
    },
  ),
  defineRoute(
    {
      method: 'get',
      path: '/v1/listings/:id/events',
      summary: 'Stored listing events after a seq (catching up after a disconnect)',
      tags,
      auth: 'optional',
      params: ListingIdParams,
      query: EventsQuery,
      responses: { 200: { description: 'Events in seq order', schema: ListingEventPage } },
    },
    async (deps, { params, query }) => ok(await listingEventsAfter(deps, params.id, query.after, query.limit)),
  ),
];
