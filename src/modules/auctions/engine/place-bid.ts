import { compareStandings, isReserveMet, minNextBidCents, withStandings } from './standings';
import type {
  AuctionState,
  BidCommand,
  BidDecision,
  BidError,
  BidRecord,
  EngineConfig,
  Standing,
} from './engine.types';

/** How an accepted bid relates to the lead before it. */
type BidKind = 'raise' | 'takes_lead' | 'stays_behind';
type DraftRecord = Omit<BidRecord, 'bidSeq'>;

/** Why the command must be rejected, checked in SPEC order; null when it is acceptable. */
function rejectionOf(s: AuctionState, cmd: BidCommand): BidError | null {
  // A finalized auction answers like a bid received after the end, whether or not the close had
  // already run when the bid was decided (the client must not see which way that race went).
  if (s.status === 'ended_sold' || s.status === 'ended_unsold') return { code: 'auction_ended' };
  // Written as !(a >= b) so that a NaN receipt time is rejected rather than slipping through.
  if (s.status !== 'active' || !(cmd.receivedAt >= s.startsAt)) return { code: 'auction_not_active' };
  // A bid counts iff it was received before endsAt as stored now, however late it is being decided.
  if (cmd.receivedAt >= s.endsAt) return { code: 'auction_ended' };
  if (cmd.bidderId === s.sellerId) return { code: 'own_listing' };
  if (s.auctionType === 'fixed') return { code: 'auction_not_active' };
  if (!Number.isSafeInteger(cmd.maxAmountCents) || cmd.maxAmountCents <= 0) return { code: 'invalid_amount' };
  if (s.leader?.bidderId === cmd.bidderId) {
    return cmd.maxAmountCents > s.leader.maxAmountCents ? null : { code: 'bid_not_higher' };
  }
  const min = minNextBidCents(s);
  return cmd.maxAmountCents >= min ? null : { code: 'bid_too_low', minNextBidCents: min };
}

function kindOf(s: AuctionState, cmd: BidCommand): BidKind {
  if (!s.leader) return 'takes_lead';
  if (s.leader.bidderId === cmd.bidderId) return 'raise';
  // Equal maxima go to the earlier bid, which is always the standing leader.
  return cmd.maxAmountCents > s.leader.maxAmountCents ? 'takes_lead' : 'stays_behind';
}

/**
 * Top two after `mine` replaces its bidder's previous maximum. Looking only at the old leader and
 * runner-up is enough: a non-leader's accepted bid is ≥ minNextBid > currentPrice ≥ runnerUp.max ≥ the
 * maximum of every non-leader (price ≥ runnerUp.max because leader.max ≥ runnerUp.max), so the bidder
 * overtakes everyone ranked below the runner-up, and a leader raise leaves positions 2.. untouched.
 */
function rankAfter(s: AuctionState, mine: Standing): { leader: Standing; runnerUp: Standing | null } {
  const others = [s.leader, s.runnerUp].filter((x): x is Standing => x !== null && x.bidderId !== mine.bidderId);
  const [leader, runnerUp = null] = [mine, ...others].sort(compareStandings);
  return { leader, runnerUp };
}

/** History rows in display order (amounts never decrease), before seqs are assigned. */
function draftRecords(before: AuctionState, after: AuctionState, cmd: BidCommand, kind: BidKind): DraftRecord[] {
  const own = (amountCents: number): DraftRecord => ({
    bidderId: cmd.bidderId,
    amountCents,
    maxAmountCents: cmd.maxAmountCents,
    isAutoBid: false,
  });
  const auto = (who: Standing, amountCents: number): DraftRecord => ({
    bidderId: who.bidderId,
    amountCents,
    maxAmountCents: who.maxAmountCents,
    isAutoBid: true,
  });
  if (kind === 'raise') return [own(after.currentPriceCents)];
  if (kind === 'stays_behind') {
    const leader = before.leader as Standing; // stays_behind implies a leader
    const moved = after.currentPriceCents !== before.currentPriceCents;
    return moved ? [own(cmd.maxAmountCents), auto(leader, after.currentPriceCents)] : [own(cmd.maxAmountCents)];
  }
  // The displaced leader's proxy fought up to its maximum; show that only if it is above the old price.
  const displaced = before.leader;
  const fought = displaced && displaced.maxAmountCents > before.currentPriceCents;
  return fought
    ? [auto(displaced, displaced.maxAmountCents), own(after.currentPriceCents)]
    : [own(after.currentPriceCents)];
}

/** Soft close: a non-leader's accepted bid inside the window pushes endsAt out; it never moves it back. */
function softCloseEndsAt(s: AuctionState, cmd: BidCommand, cfg: EngineConfig, kind: BidKind): number {
  if (kind === 'raise') return s.endsAt;
  if (s.endsAt - cmd.receivedAt >= cfg.softCloseWindowMs) return s.endsAt;
  return Math.max(s.endsAt, cmd.receivedAt + cfg.softCloseExtensionMs);
}

/**
 * Seq choice: records are numbered in display order from `nextBidSeq`, so sorting history by seq shows
 * non-decreasing amounts. The command's own record (the only non-auto one) keeps its seq as the
 * bidder's `Standing.bidSeq`; that seq exceeds every earlier one, so ties still go to the earlier bid.
 */
function numbered(drafts: DraftRecord[], firstSeq: number): BidRecord[] {
  return drafts.map((d, i) => ({ ...d, bidSeq: firstSeq + i }));
}

/** The state after an accepted bid, its history rows, and the new end time. */
function apply(s: AuctionState, cmd: BidCommand, cfg: EngineConfig, kind: BidKind) {
  const standing = (bidSeq: number): Standing => ({
    bidderId: cmd.bidderId,
    maxAmountCents: cmd.maxAmountCents,
    bidSeq,
  });
  const rank = (mine: Standing) => {
    const { leader, runnerUp } = rankAfter(s, mine);
    return withStandings(s, leader, runnerUp);
  };
  // The price does not depend on the exact seq, only on it being the latest; rank again once it is known.
  const priced = rank(standing(s.nextBidSeq));
  const records = numbered(draftRecords(s, priced, cmd, kind), s.nextBidSeq);
  const ownSeq = (records.find((r) => !r.isAutoBid) as BidRecord).bidSeq;
  const state: AuctionState = {
    ...rank(standing(ownSeq)),
    endsAt: softCloseEndsAt(s, cmd, cfg, kind),
    bidCount: s.bidCount + 1,
    nextBidSeq: s.nextBidSeq + records.length,
  };
  return { state, records };
}

/** Decide one bid command against the current state (SPEC §2); pure. */
export function placeBid(s: AuctionState, cmd: BidCommand, cfg: EngineConfig): BidDecision {
  const error = rejectionOf(s, cmd);
  if (error) return { ok: false, error };
  const kind = kindOf(s, cmd);
  const { state, records } = apply(s, cmd, cfg, kind);
  return {
    ok: true,
    state,
    outcome: state.leader?.bidderId === cmd.bidderId ? 'leading' : 'outbid',
    records,
    displaced: kind === 'takes_lead' ? s.leader : null,
    extended: state.endsAt !== s.endsAt,
    reserveMet: isReserveMet(state),
  };
}
