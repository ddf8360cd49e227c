import { sql } from 'kysely';
import type { Listing } from '../../db/schema';
import type { Deps } from '../../src/composition';
import type { BidResult } from '../../src/modules/bidding/bid-results';
import type { EngineConfig } from '../../src/modules/auctions/engine/engine.types';
import { modelBid, modelStart, modelView, type Model, type ModelTerms } from '../../src/modules/auctions/engine/reference-model.test-support';

/** One decided bid command as stored (bid_requests), in decision order. */
export interface DecidedCommand {
  requestId: string;
  bidderId: string;
  maxAmountCents: number;
  receivedAt: number;
  accepted: boolean;
  result: BidResult;
  decisionSeq: number;
}

/** A listing's decided commands in the order they were decided (bid_requests.decision_seq). */
export async function decidedCommands(deps: Pick<Deps, 'db'>, listingId: string): Promise<DecidedCommand[]> {
  const rows = await deps.db
    .selectFrom('bidRequests')
    .select(['requestId', 'bidderId', 'maxAmountCents', 'receivedAt', 'accepted', 'result', 'decisionSeq'])
    .where('listingId', '=', listingId)
    .orderBy('decisionSeq')
    .execute();
  return rows.map((r) => ({
    requestId: r.requestId,
    bidderId: r.bidderId,
    maxAmountCents: r.maxAmountCents,
    receivedAt: r.receivedAt.getTime(),
    accepted: r.accepted,
    result: r.result as unknown as BidResult,
    decisionSeq: Number(r.decisionSeq),
  }));
}

/** The model's terms for a listing as it was published (pass the row read before any bid). */
export function termsOf(listing: Listing): ModelTerms {
  return {
    sellerId: listing.sellerId,
    auctionType: listing.auctionType,
    status: 'active',
    startingPriceCents: listing.startingPriceCents,
    reservePriceCents: listing.reservePriceCents,
    buyNowPriceCents: listing.buyNowPriceCents,
    startsAt: listing.startsAt!.getTime(),
    endsAt: listing.endsAt!.getTime(),
  };
}

export const engineConfigOf = (deps: Pick<Deps, 'config'>): EngineConfig => ({
  softCloseWindowMs: deps.config.timing.softCloseWindowSec * 1000,
  softCloseExtensionMs: deps.config.timing.softCloseExtensionSec * 1000,
});

/**
 * Replays every decided command through the independent reference model, in decision order, and
 * lists each disagreement between what the system answered and what the model says it should
 * have: acceptance, refusal code, minimum next bid, leading/outbid, price and end time.
 */
export function replayThroughModel(
  terms: ModelTerms,
  cfg: EngineConfig,
  commands: DecidedCommand[],
): { model: Model; mismatches: string[] } {
  let model = modelStart(terms);
  const mismatches: string[] = [];
  for (const [i, c] of commands.entries()) {
    const step = modelBid(model, cfg, c.bidderId, c.maxAmountCents, c.receivedAt);
    model = step.model;
    const where = `#${i} ${c.requestId} (max ${c.maxAmountCents})`;
    const model_ = step.result;
    if (model_.ok !== c.accepted) {
      mismatches.push(
        `${where}: system ${c.accepted ? 'accepted' : `refused ${refusalCode(c.result)}`}, model ${model_.ok ? 'accepts' : `refuses ${model_.code}`}`,
      );
      continue;
    }
    if (!model_.ok) {
      const error = (c.result as Extract<BidResult, { ok: false }>).error;
      if (error.code !== model_.code) mismatches.push(`${where}: refused ${error.code}, model says ${model_.code}`);
      if (model_.code === 'bid_too_low' && error.minNextBidCents !== model_.minNextCents) {
        mismatches.push(`${where}: minNextBidCents ${String(error.minNextBidCents)}, model ${String(model_.minNextCents)}`);
      }
      continue;
    }
    const data = (c.result as Extract<BidResult, { ok: true }>).data;
    const view = modelView(model);
    if ((data.outcome === 'leading') !== model_.leading)
      mismatches.push(`${where}: outcome ${data.outcome}, model leading=${model_.leading}`);
    if (data.currentPriceCents !== view.priceCents) mismatches.push(`${where}: price ${data.currentPriceCents}, model ${view.priceCents}`);
    if (data.minNextBidCents !== view.minNextCents)
      mismatches.push(`${where}: minNext ${data.minNextBidCents}, model ${view.minNextCents}`);
    if (Date.parse(data.endsAt) !== model.endsAt)
      mismatches.push(`${where}: endsAt ${data.endsAt}, model ${new Date(model.endsAt).toISOString()}`);
  }
  return { model, mismatches };
}

const refusalCode = (r: BidResult) => (r.ok ? '(none)' : r.error.code);

/** The listing's stored auction state next to what the model derives from the same bids. */
export function stateVsModel(listing: Listing, model: Model) {
  const view = modelView(model);
  return {
    stored: {
      currentPriceCents: listing.currentPriceCents,
      leaderId: listing.leaderId,
      reserveMet: listing.reserveMet,
      endsAt: listing.endsAt!.getTime(),
    },
    model: {
      currentPriceCents: view.priceCents,
      leaderId: view.leaderId,
      reserveMet: view.leaderId !== null && view.reserveMet,
      endsAt: model.endsAt,
    },
  };
}

/**
 * Per decided command, the own (non-auto) bid rows it produced: an accepted command must have
 * exactly one, a refused one none; and own-record seqs must rise in decision order.
 */
export async function bidRowAudit(deps: Pick<Deps, 'db'>, listingId: string) {
  const { rows } = await sql<{ requestId: string; accepted: boolean; own: string; firstSeq: number | null }>`
    SELECT r.request_id AS "requestId", r.accepted, count(b.id) AS own, min(b.seq) AS "firstSeq"
    FROM bid_requests r LEFT JOIN bids b ON b.request_id = r.request_id AND NOT b.is_auto_bid
    WHERE r.listing_id = ${listingId}
    GROUP BY r.request_id, r.accepted, r.decision_seq
    ORDER BY r.decision_seq`.execute(deps.db);
  const wrongCount = rows
    .filter((r) => Number(r.own) !== (r.accepted ? 1 : 0))
    .map((r) => `${r.requestId}: accepted=${r.accepted} own rows=${r.own}`);
  const seqs = rows.filter((r) => r.accepted).map((r) => Number(r.firstSeq));
  const outOfOrder = seqs.filter((s, i) => i > 0 && s <= seqs[i - 1]).length;
  const orphans = await deps.db
    .selectFrom('bids')
    .select('id')
    .where('listingId', '=', listingId)
    .where('isAutoBid', '=', false)
    .where('requestId', 'is', null)
    .execute();
  return { wrongCount, outOfOrder, orphanOwnRows: orphans.length, commands: rows.length };
}
