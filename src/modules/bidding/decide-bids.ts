import { randomUUID } from 'node:crypto';
import type { Trx } from '../../../db/connection';
import { pipelinedTransaction } from '../../../db/pipelined-transaction';
import { executeWrites } from '../../../db/writes';
import type { Platform } from '../../shared/platform';
import { outboxWrites, type OutboxMessage } from '../../shared/outbox';
import { userRoom } from '../../shared/rooms';
import {
  auctionStateColumns,
  auctionStateOf,
  closeJob,
  endingSoonJob,
  lockAuction,
  minNextBidCents,
  placeBid,
  stateWithEventsWrites,
  type AuctionState,
  type BidRecord,
  type ListingEventInput,
  type LockedAuction,
} from '../auctions';
import { notificationJobs, type NotificationDraft } from '../../shared/jobs';
import { batchInputs, batchWrites } from './bidding.repository';
import { bidProblem } from './bid-errors';
import { aliasFor, presentBid } from './bid-presenter';
import type { BidResult } from './bid-results';
import type { BidCommand } from './bids-in-flight';

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
  /** The batch's outbid notifications, queued together (see persist). */
  notifications: NotificationDraft[];
  decided: Decided[];
  noticeKeys: Set<string>;
  /** The engine state after the batch, when it changed. */
  state?: AuctionState;
  bidders: Array<{ bidderId: string; alias: string; lastBidAt: Date }>;
}

type BatchInputs = Awaited<ReturnType<typeof batchInputs>>;

/**
 * Decides a batch of bid commands for ONE listing in one transaction under the listing's row lock:
 * each command in order through the pure engine, every history row and outcome stored, the new
 * state written once, events and notifications to the outbox. Commands already decided (redelivered
 * jobs) answer their stored outcome.
 */
export async function decideBids(deps: Pick<Platform, 'db' | 'config'>, listingId: string, commands: BidCommand[]): Promise<Decided[]> {
  // Two round trips per batch, whatever its size: BEGIN, the lock and the read together; then one
  // write statement (see persist) and COMMIT together.
  return pipelinedTransaction(deps.db, async (trx, commitAfter) => {
    const [listing, inputs] = await Promise.all([
      lockAuction(trx, listingId),
      batchInputs(
        trx,
        listingId,
        commands.map((c) => c.requestId),
        [...new Set(commands.map((c) => c.bidderId))],
      ),
    ]);
    const already = new Map(inputs.stored.map((s) => [s.requestId, s.result as unknown as BidResult]));
    // Intake checked the listing exists; if it vanished (or was deleted) since, refuse without storing
    // anything, but a redelivered command keeps the outcome it was given.
    if (!listing) {
      const gone = { ok: false, error: bidProblem('auction_not_active') } as BidResult;
      return commands.map((c) => ({ requestId: c.requestId, result: already.get(c.requestId) ?? gone }));
    }
    const fresh = commands.filter((c) => !already.has(c.requestId));
    const work: BatchWork = {
      bidRows: [],
      requestRows: [],
      events: [],
      outbox: [],
      notifications: [],
      decided: [],
      noticeKeys: new Set(),
      bidders: [],
    };
    if (fresh.length) decideFresh(deps, listing, fresh, inputs, work);
    await commitAfter(persist(trx, listing, work, deps.config.timing.outbidNotifyDelayMs));
    const decided = new Map(work.decided.map((d) => [d.requestId, d.result]));
    return commands.map((c) => ({ requestId: c.requestId, result: already.get(c.requestId) ?? decided.get(c.requestId)! }));
  });
}

/** Runs the batch's fresh commands through the engine in order (pure: no I/O). */
function decideFresh(
  deps: Pick<Platform, 'config'>,
  listing: LockedAuction,
  commands: BidCommand[],
  inputs: BatchInputs,
  work: BatchWork,
): void {
  const cfg = {
    softCloseWindowMs: deps.config.timing.softCloseWindowSec * 1000,
    softCloseExtensionMs: deps.config.timing.softCloseExtensionSec * 1000,
  };
  const eligible = new Map(inputs.eligible.map((r) => [r.id, r.displayName]));
  const aliases = aliasBook(inputs.aliases, Number(inputs.bidderCount ?? 0));
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
    const alias = aliases.aliasOf(cmd.bidderId, eligible.get(cmd.bidderId) ?? null, new Date(cmd.receivedAt));
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
        closeJob(new Date(next.endsAt)),
        endingSoonJob(listing.id, new Date(next.endsAt), deps.config.timing.endingSoonLeadSec),
      );
    }
    if (decision.displaced)
      notifyOutbid(work, listing, decision.displaced.bidderId, decision.displaced.maxAmountCents, next, cmd.requestId);
    state = next;
  }
  if (state !== before) work.state = state;
  work.bidders = aliases.touched();
}

/** At most one outbid push per bidder per listing per window; the in-app row and socket event always go. */
const OUTBID_PUSH_WINDOW_SEC = 60;

function notifyOutbid(
  work: BatchWork,
  listing: LockedAuction,
  bidderId: string,
  maxCents: number,
  next: AuctionState,
  requestId: string,
): void {
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
  work.notifications.push({
    userId: bidderId,
    type: 'outbid',
    dedupeKey,
    text: { key: 'outbid', params: { listingTitle: listing.title, currentPriceCents: next.currentPriceCents } },
    data: { listingId: listing.id, currentPriceCents: next.currentPriceCents },
    pushThrottle: { key: `outbid-${listing.id}-${bidderId}`, windowSec: OUTBID_PUSH_WINDOW_SEC },
  });
}

function refuse(work: BatchWork, cmd: BidCommand, code: Parameters<typeof bidProblem>[0], minNext?: number): void {
  record(work, cmd, false, { ok: false, error: bidProblem(code, minNext) });
}

function record(work: BatchWork, cmd: BidCommand, accepted: boolean, result: BidResult): void {
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

/** Per-listing aliases: the ones read (the batch's bidders, the leader), new bidders numbered after the listing's `bidderCount`. */
function aliasBook(rows: Array<{ bidderId: string; alias: string }>, bidderCount: number) {
  const aliases = new Map(rows.map((r) => [r.bidderId, r.alias]));
  let count = bidderCount;
  const touched = new Map<string, { alias: string; lastBidAt: Date }>();
  return {
    known: (bidderId: string) => aliases.get(bidderId) ?? null,
    /** The bidder's alias (assigned on first bid); records `at` as their latest bid time. */
    aliasOf(bidderId: string, displayName: string | null, at: Date): string {
      let alias = aliases.get(bidderId);
      if (!alias) {
        count += 1;
        alias = aliasFor(displayName, count);
        aliases.set(bidderId, alias);
      }
      touched.set(bidderId, { alias, lastBidAt: at });
      return alias;
    },
    /** The bidders who bid in this batch, to store (alias, latest bid time). */
    touched: () => [...touched].map(([bidderId, t]) => ({ bidderId, alias: t.alias, lastBidAt: t.lastBidAt })),
  };
}

/**
 * When a batch's outbid notifications become due: at least `delayMs` from now, on a grid of `delayMs`,
 * so that every batch of one window becomes due at the same instant. The relay runs a pass after each
 * commit; with due times spread out, each pass would find one batch's notices, and merge nothing.
 */
function noticesDueAt(delayMs: number): Date | undefined {
  if (delayMs <= 0) return undefined;
  return new Date(Math.ceil((Date.now() + delayMs) / delayMs) * delayMs);
}

/**
 * The batch's writes — bidding tables, the listing's state and events, the outbox — as ONE statement
 * (data-modifying CTEs), sent when called: the caller writes COMMIT right behind it.
 * The outbid notifications wait in the outbox (`notifyDelayMs` to twice that, see noticesDueAt), so
 * that the relay finds those of many batches together and delivers them as one job: in a bidding war
 * nearly every accepted bid displaces someone, and a job per batch cost ≈ 65 Redis commands and 4 ms
 * of worker CPU per idle bid (docs/BENCHMARKS.md). Only the in-app row and the push wait; the
 * `outbid` event goes at once.
 */
async function persist(trx: Trx, listing: LockedAuction, work: BatchWork, notifyDelayMs: number): Promise<void> {
  const bidding = batchWrites(
    trx,
    listing.id,
    work.bidRows.map((r) => ({
      id: r.id,
      listingId: listing.id,
      bidderId: r.bidderId,
      seq: r.bidSeq,
      amountCents: r.amountCents,
      maxAmountCents: r.maxAmountCents,
      isAutoBid: r.isAutoBid,
      requestId: r.requestId,
      receivedAt: r.receivedAt,
      createdAt: r.createdAt,
    })),
    work.requestRows.map((r) => ({ listingId: listing.id, ...r, result: JSON.stringify(r.result) })),
    work.bidders,
  );
  const auction = stateWithEventsWrites(trx, listing, work.state, work.events);
  const notices = outboxWrites(trx, notificationJobs(work.notifications), { jobsNotBefore: noticesDueAt(notifyDelayMs) });
  await executeWrites(trx, [...bidding, ...auction.writes, ...outboxWrites(trx, [...auction.events, ...work.outbox]), ...notices]);
}
