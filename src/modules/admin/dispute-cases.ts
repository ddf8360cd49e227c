import type { Deps } from '../../composition';
import { notFound } from '../../shared/errors';
import { recordAudit } from '../audit';
import { disputesRepository, presentDispute, type StaffDisputeFilter } from '../disputes';
import { presentTransaction, transactionsRepository } from '../transactions';
import type { Ctx } from '../../shared/context';
import { requirePermission } from './admin.policy';

type CaseDeps = Pick<Deps, 'db'>;

/** Most timeline entries and chat messages shown on one case (the newest are kept). */
const CASE_LIMIT = 500;

/** GET /admin/disputes — the support queue (audited, like every staff read). */
export async function listDisputes(deps: CaseDeps, ctx: Ctx, f: StaffDisputeFilter) {
  requirePermission(ctx.actor, 'disputes:read');
  const rows = await disputesRepository.listForStaff(deps.db, f);
  const page = rows.slice(0, f.limit);
  await recordAudit(deps.db, {
    actorId: ctx.actor.userId,
    action: 'disputes.listed',
    targetType: 'dispute',
    targetId: '*',
    details: { status: f.status ?? null, source: f.source ?? null, sort: f.sort, cursor: f.afterId ?? null, count: page.length },
    requestId: ctx.requestId,
  });
  return {
    items: page.map(({ amountCents, transactionStatus, buyerId, sellerId, listingId, listingTitle, ...d }) => ({
      ...presentDispute(d),
      transaction: { id: d.transactionId, listingId, listingTitle, buyerId, sellerId, amountCents, status: transactionStatus },
    })),
    nextCursor: rows.length > f.limit ? page[page.length - 1].id : null,
  };
}

type Side = 'buyer' | 'seller' | 'staff' | 'system';

/**
 * GET /admin/disputes/:id — everything support needs to decide: the dispute, the transaction, both
 * parties, the timeline, the chat, and the evidence (the opener's account and the photos sent in the
 * chat). Every view is written to the audit log.
 */
export async function getDisputeCase(deps: CaseDeps, ctx: Ctx, disputeId: string) {
  requirePermission(ctx.actor, 'disputes:read');
  const dispute = await disputesRepository.findById(deps.db, disputeId);
  if (!dispute) throw notFound('dispute');
  const tx = (await transactionsRepository.findById(deps.db, dispute.transactionId))!;
  const [events, messages, people, listing] = await Promise.all([
    transactionsRepository.events(deps.db, tx.id, undefined, CASE_LIMIT),
    disputesRepository.messages(deps.db, tx.id, CASE_LIMIT),
    disputesRepository.people(deps.db, [tx.buyerId, tx.sellerId]),
    deps.db.selectFrom('listings').select(['id', 'title']).where('id', '=', tx.listingId).executeTakeFirst(),
  ]);
  await recordAudit(deps.db, {
    actorId: ctx.actor.userId,
    action: 'dispute.viewed',
    targetType: 'dispute',
    targetId: dispute.id,
    details: { transactionId: tx.id },
    requestId: ctx.requestId,
  });
  const sideOf = (id: string | null): Side =>
    id === null ? 'system' : id === tx.buyerId ? 'buyer' : id === tx.sellerId ? 'seller' : 'staff';
  const person = (id: string) => {
    const p = people.find((u) => u.id === id);
    return { id, displayName: p?.displayName ?? null, suspended: Boolean(p?.suspendedAt), deleted: Boolean(p?.deletedAt) };
  };
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
    transaction: { ...presentTransaction(tx), refundedCents: tx.refundedCents, paidAt: tx.paidAt ? tx.paidAt.toISOString() : null },
    listing: listing ?? null,
    parties: { buyer: person(tx.buyerId), seller: person(tx.sellerId) },
    timeline: events.map((e) => ({
      id: e.id,
      type: e.type,
      actor: sideOf(e.actorId),
      actorId: e.actorId,
      data: e.data,
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
