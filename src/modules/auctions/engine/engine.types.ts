/**
 * Types of the pure proxy-bid engine (SPEC §2). The database layer persists `AuctionState` as listing
 * columns and feeds it back in; nothing here does I/O or reads a clock — times are epoch milliseconds.
 */

export type ListingStatus = 'draft' | 'scheduled' | 'active' | 'ended_sold' | 'ended_unsold' | 'cancelled';
export type AuctionType = 'auction' | 'fixed' | 'both';

/** A bidder's highest live maximum; `bidSeq` is the seq of the bid that set it (smaller = earlier). */
export interface Standing {
  bidderId: string;
  maxAmountCents: number;
  bidSeq: number;
}

/** The listing's terms as published; they never change once the auction runs. */
export interface AuctionTerms {
  sellerId: string;
  auctionType: AuctionType;
  status: ListingStatus;
  startingPriceCents: number;
  reservePriceCents: number | null;
  buyNowPriceCents: number | null;
  startsAt: number; // epoch ms
  endsAt: number; // epoch ms
}

export interface AuctionState extends AuctionTerms {
  leader: Standing | null;
  /** Highest maximum among bidders other than the leader. */
  runnerUp: Standing | null;
  currentPriceCents: number;
  /** Number of accepted (live) bid commands. */
  bidCount: number;
  /** Seq to give the next bid record (starts at 1; seqs are never reused). */
  nextBidSeq: number;
}

export interface EngineConfig {
  softCloseWindowMs: number;
  softCloseExtensionMs: number;
}

export interface BidCommand {
  bidderId: string;
  maxAmountCents: number;
  /** Server receipt time stamped on intake — not the time the bid is decided. */
  receivedAt: number;
}

/** One bid-history row to store. */
export interface BidRecord {
  bidderId: string;
  amountCents: number;
  maxAmountCents: number;
  isAutoBid: boolean;
  bidSeq: number;
}

export type BidErrorCode =
  'auction_not_active' | 'auction_ended' | 'own_listing' | 'bid_too_low' | 'bid_not_higher' | 'invalid_amount';

export interface BidError {
  code: BidErrorCode;
  minNextBidCents?: number;
}

export type BidDecision =
  | {
      ok: true;
      state: AuctionState;
      outcome: 'leading' | 'outbid';
      records: BidRecord[];
      /** Previous leader, if the lead changed to someone else. */
      displaced: Standing | null;
      /** endsAt moved by soft close. */
      extended: boolean;
      reserveMet: boolean;
    }
  | { ok: false; error: BidError };

/** A live (not retracted) bid command: the bidder's own record, not the engine's auto records. */
export interface LiveBid {
  bidderId: string;
  maxAmountCents: number;
  bidSeq: number;
}

export type CloseOutcome = { sold: true; winnerId: string; finalPriceCents: number } | { sold: false };
