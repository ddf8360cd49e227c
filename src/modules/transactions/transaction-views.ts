import type { Transaction } from '../../../db/schema';
import type { Ctx } from '../../shared/context';
import type { Platform } from '../../shared/platform';
import { recordAudit } from '../audit';
import { assertVisible, partyRole, viewsAsStaff } from './transactions.policy';
import { presentTransaction } from './transactions.presenter';
import { transactionsRepository } from './transactions.repository';

type ViewDeps = Pick<Platform, 'db'>;

/** Loads a transaction the actor may see (404 otherwise); staff reads are audited. */
export async function visibleTransaction(deps: ViewDeps, ctx: Ctx, id: string, action: 'transaction.viewed' | 'transaction.events_viewed') {
  const tx = await transactionsRepository.findById(deps.db, id);
  assertVisible(ctx.actor, tx);
  if (viewsAsStaff(ctx.actor, tx)) {
    await recordAudit(deps.db, { actorId: ctx.actor.userId, action, targetType: 'transaction', targetId: tx.id, requestId: ctx.requestId });
  }
  return tx;
}

/**
 * GET /transactions/:id/events — the timeline, oldest first, paged by event id. Staff work notes
 * (internal money-path failures for support) are staff's: the parties' timeline leaves them out.
 */
export async function transactionTimeline(deps: ViewDeps, ctx: Ctx, id: string, after: string | undefined, limit: number) {
  const tx = await visibleTransaction(deps, ctx, id, 'transaction.events_viewed');
  const rows = await transactionsRepository.events(deps.db, tx.id, after, limit + 1, viewsAsStaff(ctx.actor, tx));
  const page = rows.slice(0, limit);
  const actorOf = (actorId: string | null) =>
    actorId === null ? 'system' : actorId === tx.buyerId ? 'buyer' : actorId === tx.sellerId ? 'seller' : 'staff';
  return {
    items: page.map((e) => ({ id: e.id, type: e.type, actor: actorOf(e.actorId), data: e.data, createdAt: e.createdAt.toISOString() })),
    nextCursor: rows.length > limit ? page[page.length - 1].id : null,
  };
}

export interface MyTransactionsQuery {
  role?: 'buyer' | 'seller';
  status?: Transaction['status'];
  limit: number;
  cursor?: string;
}

/** GET /users/me/transactions — the actor's own transactions only, newest first. */
export async function myTransactions(deps: ViewDeps, ctx: Ctx, q: MyTransactionsQuery) {
  const rows = await transactionsRepository.listForUser(deps.db, {
    userId: ctx.actor.userId,
    role: q.role,
    status: q.status,
    limit: q.limit,
    afterId: q.cursor,
  });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ listingTitle, ...tx }) => ({ ...presentTransaction(tx), myRole: partyRole(ctx.actor, tx)!, listingTitle })),
    nextCursor: rows.length > q.limit && last ? last.id : null,
  };
}
