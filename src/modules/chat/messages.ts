import type { Platform } from '../../shared/platform';
import type { Actor } from '../../shared/context';
import { notFound } from '../../shared/errors';
import { writeOutbox } from '../../shared/outbox';
import { notificationJob } from '../../shared/jobs';
import { recordAudit } from '../audit';
import { canJoinTransactionRoom, canPostTransactionMessage, isParty, transactionFor } from './chat.policy';
import { transactionRoom } from '../../shared/rooms';
import { presentMessage, type PresentedMessage } from './chat.presenter';
import { chatRepository } from './chat.repository';

type ChatDeps = Pick<Platform, 'db'>;

const PREVIEW_CHARS = 120;
const preview = (content: string) => (content.length > PREVIEW_CHARS ? `${content.slice(0, PREVIEW_CHARS - 1)}…` : content);

/**
 * Posts a text message: stored first, then — in the same transaction, through the outbox —
 * `new_message {transactionId, message}` to `transaction:<id>` and a `new_message` notification to
 * the other party. A crash after commit loses nothing; a rolled-back insert publishes nothing.
 */
export async function postMessage(deps: ChatDeps, actor: Actor, transactionId: string, content: string): Promise<PresentedMessage> {
  const tx = await transactionFor(deps, actor, transactionId, canPostTransactionMessage);
  const recipientId = actor.userId === tx.buyerId ? tx.sellerId : tx.buyerId;
  return deps.db.transaction().execute(async (trx) => {
    const row = await chatRepository.insertText(trx, transactionId, actor.userId, content);
    const message = presentMessage(row, null);
    await writeOutbox(trx, [
      { kind: 'event', rooms: [transactionRoom(transactionId)], event: 'new_message', data: { transactionId, message } },
      notificationJob({
        userId: recipientId,
        type: 'new_message',
        dedupeKey: `message-${row.id}-${recipientId}`,
        text: { key: 'new_message', params: { preview: preview(content) } },
        data: { transactionId, messageId: row.id },
      }),
    ]);
    return message;
  });
}

/** A page of the chat, newest first, for whoever may read it (404 otherwise). */
export async function listMessages(deps: ChatDeps, actor: Actor, transactionId: string, limit: number, cursor?: string, requestId?: string) {
  const tx = await transactionFor(deps, actor, transactionId, canJoinTransactionRoom);
  // SPEC §9: a staff read of a chat is audited like any staff action (the parties' own reads are not).
  if (!isParty(actor, tx)) {
    await recordAudit(deps.db, {
      actorId: actor.userId,
      action: 'chat.viewed',
      targetType: 'transaction',
      targetId: transactionId,
      details: { cursor: cursor ?? null },
      requestId: requestId ?? null,
    });
  }
  const rows = await chatRepository.page(deps.db, transactionId, limit, cursor);
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => presentMessage(r, (r.readAt as Date | null) ?? null)),
    nextCursor: rows.length > limit ? page[page.length - 1].seq : null,
  };
}

/**
 * Read receipts: marks the other party's messages as read by `actor` (all, or up to and including
 * `upToMessageId`) and tells the room `messages_read {transactionId, readerId, upToMessageId, readAt}`.
 */
export async function markMessagesRead(deps: ChatDeps, actor: Actor, transactionId: string, upToMessageId?: string) {
  await transactionFor(deps, actor, transactionId, canPostTransactionMessage);
  return deps.db.transaction().execute(async (trx) => {
    let upToSeq: string | undefined;
    if (upToMessageId) {
      const upTo = await chatRepository.seqOf(trx, upToMessageId, transactionId);
      if (!upTo) throw notFound('message');
      upToSeq = upTo.seq;
    }
    const rows = await chatRepository.unreadBy(trx, transactionId, actor.userId, upToSeq);
    const readAt = new Date();
    if (rows.length === 0) return { read: 0, readAt: readAt.toISOString() };
    await chatRepository.insertReads(trx, rows.map((r) => r.id), actor.userId, readAt);
    const last = rows[rows.length - 1];
    await writeOutbox(trx, [
      {
        kind: 'event',
        rooms: [transactionRoom(transactionId)],
        event: 'messages_read',
        data: { transactionId, readerId: actor.userId, upToMessageId: last.id, readAt: readAt.toISOString() },
      },
    ]);
    return { read: rows.length, readAt: readAt.toISOString() };
  });
}
