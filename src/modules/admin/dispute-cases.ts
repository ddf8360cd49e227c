import type { Transaction } from '../../../db/schema';
import { conflict, forbidden, notFound } from '../../shared/errors';
import type { Ctx } from '../../shared/context';
import { recordAudit } from '../audit';
import { postStaffMessage } from '../chat';
import { disputesRepository, presentDispute } from '../disputes';
import { HANDOVER_FLAGGED_EVENT } from '../meetups';
import { findTransaction, isParty, presentTransaction } from '../transactions';
import type { AdminDeps } from './admin.deps';
import { adminRepository } from './admin.repository';
import { requirePermission } from './admin.policy';

/** Most timeline entries and chat messages shown on one case (the newest are kept). */
const CASE_LIMIT = 500;

export interface StaffDisputeFilter {
  status?: 'open' | 'resolved';
  source?: 'party' | 'chargeback' | 'escalation';
  handoverFlagged?: boolean;
  sort: 'oldest' | 'newest';
  limit: number;
  afterId?: string;
}

/** GET /admin/disputes — the support queue (audited, like every staff read). */
export async function listDisputes(deps: AdminDeps, ctx: Ctx, f: StaffDisputeFilter) {
  requirePermission(ctx.actor, 'disputes:read');
  const rows = await disputesRepository.listForStaff(deps.db, f);
  const page = rows.slice(0, f.limit);
  await recordAudit(deps.db, {
    actorId: ctx.actor.userId,
    action: 'disputes.listed',
    targetType: 'dispute',
    targetId: '*',
    details: {
      status: f.status ?? null,
      source: f.source ?? null,
      handoverFlagged: f.handoverFlagged ?? null,
      sort: f.sort,
      cursor: f.afterId ?? null,
      count: page.length,
    },
    requestId: ctx.requestId,
  });
  return {
    items: page.map(({ amountCents, transactionStatus, buyerId, sellerId, listingId, listingTitle, handoverFlagged, ...d }) => ({
      ...presentDispute(d),
      transaction: {
        id: d.transactionId,
        listingId,
        listingTitle,
        buyerId,
        sellerId,
        amountCents,
        status: transactionStatus,
        handoverFlagged,
      },
    })),
    nextCursor: rows.length > f.limit ? page[page.length - 1].id : null,
  };
}

type Side = 'buyer' | 'seller' | 'staff' | 'system';
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The transaction as staff see it on a case: the party view (refunds included) plus the rate, payment time and handover. */
function presentCaseTransaction(tx: Transaction) {
  return {
    ...presentTransaction(tx),
    // The console previews a partial refund's split with the same rule the refund worker pays by.
    commissionBps: tx.commissionBps,
    paidAt: iso(tx.paidAt),
    // SPEC §9: a handover far from the meetup's zone is flagged in the console, next to the money.
    handover:
      tx.handoverLat === null || tx.handoverLng === null
        ? null
        : { lat: tx.handoverLat, lng: tx.handoverLng, distanceM: tx.handoverDistanceM, flagged: tx.handoverFlagged },
  };
}

type HistoryRow = Awaited<ReturnType<typeof adminRepository.history>>[number];

/** A party on a case, with the history support weighs: account age, strikes, ratings, past disputes. */
function presentParty(id: string, rows: HistoryRow[]) {
  const p = rows.find((u) => u.id === id);
  return {
    id,
    displayName: p?.displayName ?? null,
    suspended: Boolean(p?.suspendedAt),
    deleted: Boolean(p?.deletedAt),
    memberSince: p ? p.createdAt.toISOString() : null,
    nonPaymentStrikes: p?.nonPaymentStrikes ?? 0,
    ratingAverage: p?.ratingAverage == null ? null : Number(p.ratingAverage),
    ratingCount: Number(p?.ratingCount ?? 0),
    disputes: Number(p?.disputes ?? 0),
    transactions: { asBuyer: Number(p?.asBuyer ?? 0), asSeller: Number(p?.asSeller ?? 0) },
  };
}

/**
 * GET /admin/disputes/:id — everything support needs to decide: the dispute, the transaction, both
 * parties and their history, the timeline, the chat, and the evidence (the opener's account and the
 * photos sent in the chat). Every view is written to the audit log (it includes a read of the chat).
 */
export async function getDisputeCase(deps: AdminDeps, ctx: Ctx, disputeId: string) {
  requirePermission(ctx.actor, 'disputes:read');
  const dispute = await disputesRepository.findById(deps.db, disputeId);
  if (!dispute) throw notFound('dispute');
  const tx = await adminRepository.transaction(deps.db, dispute.transactionId);
  if (!tx) throw notFound('transaction');
  const [events, messages, people, listing] = await Promise.all([
    adminRepository.transactionEvents(deps.db, tx.id, CASE_LIMIT),
    disputesRepository.messages(deps.db, tx.id, CASE_LIMIT),
    adminRepository.history(deps.db, [tx.buyerId, tx.sellerId]),
    adminRepository.listingTitle(deps.db, tx.listingId),
  ]);
  await recordAudit(deps.db, {
    actorId: ctx.actor.userId,
    action: 'dispute.viewed',
    targetType: 'dispute',
    targetId: dispute.id,
    details: { transactionId: tx.id, chatMessages: messages.length },
    requestId: ctx.requestId,
  });
  const sideOf = (id: string | null): Side =>
    id === null ? 'system' : id === tx.buyerId ? 'buyer' : id === tx.sellerId ? 'seller' : 'staff';
  const chat = messages.map((m) => ({
    id: m.id,
    senderId: m.senderId,
    sender: sideOf(m.senderId),
    type: m.type,
    content: m.content,
    createdAt: m.createdAt.toISOString(),
  }));
  return {
    dispute: presentDispute(dispute),
    transaction: presentCaseTransaction(tx),
    listing: listing ?? null,
    parties: { buyer: presentParty(tx.buyerId, people), seller: presentParty(tx.sellerId, people) },
    timeline: events.map((e) => ({
      id: e.id,
      type: e.type,
      actor: sideOf(e.actorId),
      actorId: e.actorId,
      data: e.data,
      flagged: e.type === HANDOVER_FLAGGED_EVENT,
      createdAt: e.createdAt.toISOString(),
    })),
    messages: chat,
    evidence: {
      details: dispute.details,
      openedBy: sideOf(dispute.openedBy),
      images: chat
        .filter((m) => m.type === 'image')
        .map((m) => ({ messageId: m.id, sender: m.sender, url: m.content, createdAt: m.createdAt })),
    },
  };
}

/**
 * POST /admin/disputes/:id/messages — staff write to both parties in the transaction's chat while the
 * dispute is open (`disputes:resolve`); audited in the same database transaction as the message.
 * Staff who are a party may not speak as support in their own case (403, as they may not decide it);
 * a decided dispute takes no more staff messages (409), even while its money is still on the way.
 */
export async function messageParties(deps: AdminDeps, ctx: Ctx, disputeId: string, content: string) {
  requirePermission(ctx.actor, 'disputes:resolve');
  const dispute = await disputesRepository.findById(deps.db, disputeId);
  if (!dispute) throw notFound('dispute');
  const tx = await findTransaction(deps.db, dispute.transactionId);
  if (tx && isParty(ctx.actor, tx))
    throw forbidden('party_cannot_act', 'You are a party to this transaction: another staff member must write to the parties.');
  return postStaffMessage(deps, ctx.actor, dispute.transactionId, content, async (trx, message) => {
    // Under the transaction's share lock, which a resolution (FOR UPDATE) waits for or has committed before.
    if ((await disputesRepository.findById(trx, disputeId))?.status !== 'open')
      throw conflict('dispute_not_open', 'This dispute has been decided: staff messages are for open cases.');
    await recordAudit(trx, {
      actorId: ctx.actor.userId,
      action: 'dispute.message_sent',
      targetType: 'dispute',
      targetId: disputeId,
      details: { transactionId: dispute.transactionId, messageId: message.id },
      requestId: ctx.requestId,
    });
  });
}
