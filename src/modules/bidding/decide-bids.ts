import { randomUUID } from 'node:crypto';
import type { Trx } from '../../../db/connection';
import type { Listing } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import { writeOutbox, type OutboxMessage } from '../../shared/outbox';
import { userRoom } from '../../shared/rooms';
import {
  appendListingEvents,
  auctionStateColumns,
  auctionStateOf,
  closeJob,
  endingSoonJob,
  lockListing,
  minNextBidCents,
  placeBid,
  saveAuctionState,
  type AuctionState,
  type BidRecord,
  type ListingEventInput,
} from '../auctions';
import { notificationJob } from '../../shared/jobs';
import {
  eligibleBidderNames,
  insertBidRequests,
  insertBids,
  listingAliases,
  storedOutcomes,
  upsertListingBidders,
} from './bidding.repository';
import { bidProblem } from './bid-errors';
import { aliasFor, presentBid } from './bid-presenter';
import type { BidResult } from './bid-results';
import type { BidJobData } from './submit-bid';

interface Decided {
  requestId: string;
  result: BidResult;
}

interface BatchWork {
  bidRows: Array<BidRecord & { id: string; requestId: string | null; receivedAt: Date; createdAt: Date }>;
  requestRows: Array<{
    requestId: string;
    bidderId: string;
    maxAmountCents: number;
    receivedAt: Date;
    accepted: boolean;
    result: BidResult;
  }>;
  events: ListingEventInput[];
  outbox: OutboxMessage[];
  decided: Decided[];
  noticeKeys: Set<string>;
}

/**
 * Decides a batch of bid commands for ONE listing in one transaction under the listing's row lock:
 * each command in order through the pure engine, every history row and outcome stored, the new
 * state written once, events and notifications to the outbox. Commands already decided (redelivered
 * jobs) answer their stored outcome.
 */
export async function decideBids(deps: Pick<Platform, 'db' | 'config'>, listingId: string, commands: BidJobData[]): Promise<Decided[]> {
  return deps.db.transaction().execute(async (trx) => {
    const listing = await lockListing(trx, listingId);
    const stored = await storedOutcomes(
      trx,
      commands.map((c) => c.requestId),
    );
    const already = new Map(stored.map((s) => [s.requestId, s.result as unknown as BidResult]));
    const fresh = commands.filter((c) => !already.has(c.requestId));
    // Intake checked the listing exists; if it vanished since, refuse without storing anything.
    if (!listing)
      return commands.map((c) => ({ requestId: c.requestId, result: { ok: false, error: bidProblem('auction_not_active') } as BidResult }));
    const work: BatchWork = { bidRows: [], requestRows: [], events: [], outbox: [], decided: [], noticeKeys: new Set() };
    if (fresh.length) await decideFresh(deps, trx, listing, fresh, work);
    await persist(trx, listingId, work);
    const decided = new Map(work.decided.map((d) => [d.requestId, d.result]));
    return commands.map((c) => ({ requestId: c.requestId, result: already.get(c.requestId) ?? decided.get(c.requestId)! }));
  });
}

async function decideFresh(
  deps: Pick<Platform, 'config'>,
  trx: Trx,
  listing: Listing,
  commands: BidJobData[],
  work: BatchWork,
): Promise<void> {
  const cfg = {
    softCloseWindowMs: deps.config.timing.softCloseWindowSec * 1000,
    softCloseExtensionMs: deps.config.timing.softCloseExtensionSec * 1000,
  };
  const eligible = await eligibleBidders(trx, commands);
  const aliases = await aliasBook(trx, listing.id);
  const before = auctionStateOf(listing);
  let state = before;
  const now = new Date();

  for (const cmd of commands) {
    if (!eligible.has(cmd.bidderId)) {
      refuse(work, cmd, 'bidder_not_allowed');
      continue;
    }
    const decision = placeBid(state, { bidderId: cmd.bidderId, maxAmountCents: cmd.maxAmountCents, receivedAt: cmd.receivedAt }, cfg);
    if (!decision.ok) {
      refuse(work, cmd, decision.error.code, decision.error.minNextBidCents);
      continue;
    }
    const alias = await aliases.aliasOf(cmd.bidderId, eligible.get(cmd.bidderId) ?? null, new Date(cmd.receivedAt));
    const rows = decision.records.map((r) => ({
      ...r,
      id: randomUUID(),
      requestId: r.isAutoBid ? null : cmd.requestId,
      receivedAt: new Date(cmd.receivedAt),
      createdAt: now,
    }));
    work.bidRows.push(...rows);
    const own = rows.find((r) => !r.isAutoBid)!;
    const next = decision.state;
    const presented = presentBid({ ...own, listingId: listing.id, status: 'active' }, alias, cmd.bidderId);
    const result: BidResult = {
      ok: true,
      data: {
        bid: presented,
        outcome: decision.outcome,
        currentPriceCents: next.currentPriceCents,
        isLeader: next.leader?.bidderId === cmd.bidderId,
        endsAt: new Date(next.endsAt).toISOString(),
        minNextBidCents: minNextBidCents(next),
      },
    };
    record(work, cmd, true, result);
    work.events.push({
      type: 'bid_placed',
      payload: {
        bid: { ...presented, maxAmountCents: undefined },
        currentPriceCents: next.currentPriceCents,
        bidCount: next.bidCount,
        endsAt: new Date(next.endsAt).toISOString(),
        leaderAlias: next.leader ? aliases.known(next.leader.bidderId) : null,
        reserveMet: auctionStateColumns(next).reserveMet,
      },
    });
    if (decision.extended) {
      work.events.push({ type: 'auction_extended', payload: { endsAt: new Date(next.endsAt).toISOString() } });
      work.outbox.push(
        closeJob(listing.id, new Date(next.endsAt)),
        endingSoonJob(listing.id, new Date(next.endsAt), deps.config.timing.endingSoonLeadSec),
      );
    }
    if (decision.displaced)
      notifyOutbid(work, listing, decision.displaced.bidderId, decision.displaced.maxAmountCents, next, cmd.requestId);
    state = next;
  }
  if (state !== before) {
    await saveAuctionState(trx, listing.id, state);
  }
  await aliases.save();
}

/** At most one outbid push per bidder per listing per window; the in-app row and socket event always go. */
const OUTBID_PUSH_WINDOW_SEC = 60;

function notifyOutbid(work: BatchWork, listing: Listing, bidderId: string, maxCents: number, next: AuctionState, requestId: string): void {
  work.outbox.push({
    kind: 'event',
    rooms: [userRoom(bidderId)],
    event: 'outbid',
    data: { listingId: listing.id, yourMaxBidCents: maxCents, currentPriceCents: next.currentPriceCents },
  });
  // SPEC §7: the in-app row is written every time, so the key names this displacement (the bid
  // request that caused it, so a redelivered batch produces the same one). In a bidding war a bidder
  // is displaced many times a minute: the sender throttles the push alone, to one per window.
  const dedupeKey = `outbid-${listing.id}-${bidderId}-${requestId}`;
  if (work.noticeKeys.has(dedupeKey)) return;
  work.noticeKeys.add(dedupeKey);
  work.outbox.push(
    notificationJob({
      userId: bidderId,
      type: 'outbid',
      dedupeKey,
      text: { key: 'outbid', params: { listingTitle: listing.title, currentPriceCents: next.currentPriceCents } },
      data: { listingId: listing.id, currentPriceCents: next.currentPriceCents },
      pushThrottle: { key: `outbid-${listing.id}-${bidderId}`, windowSec: OUTBID_PUSH_WINDOW_SEC },
    }),
  );
}

function refuse(work: BatchWork, cmd: BidJobData, code: Parameters<typeof bidProblem>[0], minNext?: number): void {
  record(work, cmd, false, { ok: false, error: bidProblem(code, minNext) });
}

function record(work: BatchWork, cmd: BidJobData, accepted: boolean, result: BidResult): void {
  work.decided.push({ requestId: cmd.requestId, result });
  work.requestRows.push({
    requestId: cmd.requestId,
    bidderId: cmd.bidderId,
    maxAmountCents: cmd.maxAmountCents,
    receivedAt: new Date(cmd.receivedAt),
    accepted,
    result,
  });
}

/** Bidders allowed to bid now: verified, not suspended, not deleted (re-checked under the lock). */
async function eligibleBidders(trx: Trx, commands: BidJobData[]): Promise<Map<string, string | null>> {
  const ids = [...new Set(commands.map((c) => c.bidderId))];
  const rows = await eligibleBidderNames(trx, ids);
  return new Map(rows.map((r) => [r.id, r.displayName]));
}

/** Per-listing aliases: existing ones loaded once, new bidders numbered in arrival order. */
async function aliasBook(trx: Trx, listingId: string) {
  const rows = await listingAliases(trx, listingId);
  const aliases = new Map(rows.map((r) => [r.bidderId, r.alias]));
  const touched = new Map<string, { alias: string; lastBidAt: Date }>();
  return {
    known: (bidderId: string) => aliases.get(bidderId) ?? null,
    /** The bidder's alias (assigned on first bid); records `at` as their latest bid time. */
    async aliasOf(bidderId: string, displayName: string | null, at: Date): Promise<string> {
      let alias = aliases.get(bidderId);
      if (!alias) {
        alias = aliasFor(displayName, aliases.size + 1);
        aliases.set(bidderId, alias);
      }
      touched.set(bidderId, { alias, lastBidAt: at });
      return alias;
    },
    async save(): Promise<void> {
      if (touched.size === 0) return;
      await upsertListingBidders(
        trx,
        listingId,
        [...touched].map(([bidderId, t]) => ({ bidderId, alias: t.alias, lastBidAt: t.lastBidAt })),
      );
    },
  };
}

async function persist(trx: Trx, listingId: string, work: BatchWork): Promise<void> {
  if (work.bidRows.length) {
    await insertBids(
      trx,
      work.bidRows.map((r) => ({
        id: r.id,
        listingId,
        bidderId: r.bidderId,
        seq: r.bidSeq,
        amountCents: r.amountCents,
        maxAmountCents: r.maxAmountCents,
        isAutoBid: r.isAutoBid,
        requestId: r.requestId,
        receivedAt: r.receivedAt,
        createdAt: r.createdAt,
      })),
    );
  }
  if (work.requestRows.length) {
    await insertBidRequests(
      trx,
      work.requestRows.map((r) => ({ listingId, ...r, result: JSON.stringify(r.result) })),
    );
  }
  const events = await appendListingEvents(trx, listingId, work.events);
  await writeOutbox(trx, [...events, ...work.outbox]);
}
