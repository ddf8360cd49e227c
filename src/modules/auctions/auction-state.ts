import type { Listing, ListingStatus } from '../../../db/schema';
import { isReserveMet, type AuctionState, type Standing } from '../auctions/engine/engine';

/** The listing columns that hold an auction's terms and state. */
export type AuctionStateRow = Pick<
  Listing,
  | 'id'
  | 'sellerId'
  | 'auctionType'
  | 'status'
  | 'startingPriceCents'
  | 'reservePriceCents'
  | 'buyNowPriceCents'
  | 'startsAt'
  | 'endsAt'
  | 'currentPriceCents'
  | 'bidCount'
  | 'leaderId'
  | 'leaderMaxCents'
  | 'leaderSeq'
  | 'runnerUpId'
  | 'runnerUpMaxCents'
  | 'runnerUpSeq'
  | 'nextBidSeq'
>;

/** The names of AuctionStateRow's columns, for a statement that reads only those. */
export const AUCTION_STATE_COLUMNS = [
  'id',
  'sellerId',
  'auctionType',
  'status',
  'startingPriceCents',
  'reservePriceCents',
  'buyNowPriceCents',
  'startsAt',
  'endsAt',
  'currentPriceCents',
  'bidCount',
  'leaderId',
  'leaderMaxCents',
  'leaderSeq',
  'runnerUpId',
  'runnerUpMaxCents',
  'runnerUpSeq',
  'nextBidSeq',
] as const satisfies ReadonlyArray<keyof AuctionStateRow>;

/** Columns written back after the engine decided a command (under the listing's row lock). */
export interface AuctionStateColumns {
  currentPriceCents: number;
  bidCount: number;
  leaderId: string | null;
  leaderMaxCents: number | null;
  leaderSeq: number | null;
  runnerUpId: string | null;
  runnerUpMaxCents: number | null;
  runnerUpSeq: number | null;
  nextBidSeq: number;
  reserveMet: boolean;
  endsAt: Date;
  status: ListingStatus;
}

function standing(bidderId: string | null, maxAmountCents: number | null, bidSeq: number | null): Standing | null {
  if (bidderId === null || maxAmountCents === null || bidSeq === null) return null;
  return { bidderId, maxAmountCents, bidSeq };
}

/**
 * The engine's view of a published listing row (pure). Throws for a listing without a schedule
 * (a draft): the engine only ever decides published auctions.
 */
export function auctionStateOf(row: AuctionStateRow): AuctionState {
  if (!row.startsAt || !row.endsAt) throw new Error(`listing ${row.id} has no schedule (status ${row.status}); it was never published`);
  return {
    sellerId: row.sellerId,
    auctionType: row.auctionType,
    status: row.status,
    startingPriceCents: row.startingPriceCents,
    reservePriceCents: row.reservePriceCents,
    buyNowPriceCents: row.buyNowPriceCents,
    startsAt: row.startsAt.getTime(),
    endsAt: row.endsAt.getTime(),
    leader: standing(row.leaderId, row.leaderMaxCents, row.leaderSeq),
    runnerUp: standing(row.runnerUpId, row.runnerUpMaxCents, row.runnerUpSeq),
    currentPriceCents: row.currentPriceCents,
    bidCount: row.bidCount,
    nextBidSeq: row.nextBidSeq,
  };
}

/** The inverse of `auctionStateOf`: the columns to update after the engine produced `state` (pure). */
export function auctionStateColumns(state: AuctionState): AuctionStateColumns {
  return {
    currentPriceCents: state.currentPriceCents,
    bidCount: state.bidCount,
    leaderId: state.leader?.bidderId ?? null,
    leaderMaxCents: state.leader?.maxAmountCents ?? null,
    leaderSeq: state.leader?.bidSeq ?? null,
    runnerUpId: state.runnerUp?.bidderId ?? null,
    runnerUpMaxCents: state.runnerUp?.maxAmountCents ?? null,
    runnerUpSeq: state.runnerUp?.bidSeq ?? null,
    nextBidSeq: state.nextBidSeq,
    reserveMet: isReserveMet(state),
    endsAt: new Date(state.endsAt),
    status: state.status,
  };
}
