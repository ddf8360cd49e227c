import type { Platform } from '../../shared/platform';
import type { Actor } from '../../shared/context';
import { AppError, invalid, notFound, unprocessable } from '../../shared/errors';
import { MAX_IMAGE_BYTES, sniffImageType } from '../../shared/image-type';
import { writeOutbox } from '../../shared/outbox';
import { notificationJob } from '../../shared/jobs';
import { recordAudit } from '../audit';
import { canJoinTransactionRoom, canPostTransactionMessage, chatRooms, isParty, roomToFollow, transactionFor, type TransactionParties } from './chat.policy';
import { presentMessage, type PresentedMessage } from './chat.presenter';
import { chatRepository } from './chat.repository';
import { newChatPhotoKey } from './photo-keys';

type ChatDeps = Pick<Platform, 'db'>;
type EvidenceDeps = Pick<Platform, 'db' | 'storage' | 'logger'>;

const PREVIEW_CHARS = 120;
const preview = (content: string) => (content.length > PREVIEW_CHARS ? `${content.slice(0, PREVIEW_CHARS - 1)}…` : content);

/**
 * Posts a text message: stored first, then — in the same transaction, through the outbox —
 * `new_message {transactionId, message}` to `transaction:<id>` and a `new_message` notification to
 * the other party. A crash after commit loses nothing; a rolled-back insert publishes nothing.
 */
export async function postMessage(deps: ChatDeps, actor: Actor, transactionId: string, content: string): Promise<PresentedMessage> {
  const tx = await transactionFor(deps, actor, transactionId, canPostTransactionMessage);
  return saveMessage(deps, actor, tx, 'text', content, preview(content));
}

/**
 * Posts a photo (evidence for support, SPEC §9) as an image message. The type comes from the bytes
 * (JPEG, PNG, WebP), never the name; the object is stored before the row (no network call inside the
 * transaction) under a random name, and deleted again if the row cannot be written.
 */
export async function postImageMessage(deps: EvidenceDeps, actor: Actor, transactionId: string, bytes: Buffer | undefined): Promise<PresentedMessage> {
  if (!bytes || bytes.length === 0) throw invalid([{ field: 'image', message: 'send one image file as multipart field "image"' }]);
  if (bytes.length > MAX_IMAGE_BYTES) throw new AppError('payload_too_large', 'image_too_large', 'Images may be at most 10 MB.');
  const tx = await transactionFor(deps, actor, transactionId, canPostTransactionMessage);
  const type = sniffImageType(bytes);
  if (!type) {
    throw unprocessable('unsupported_image_type', 'Only JPEG, PNG and WebP images are accepted.', {
      errors: [{ field: 'image', message: 'is not a JPEG, PNG or WebP image' }],
    });
  }
  const storageKey = newChatPhotoKey(transactionId, type.extension);
  const { url } = await deps.storage.put(storageKey, bytes, type.contentType);
  try {
    return await saveMessage(deps, actor, tx, 'image', url, '📷 Photo');
  } catch (err) {
    await deps.storage.delete(storageKey).catch((e: unknown) => deps.logger.warn({ err: e, storageKey }, 'could not delete an orphaned chat photo'));
    throw err;
  }
}

async function saveMessage(
  deps: ChatDeps,
  actor: Actor,
  tx: TransactionParties,
  type: 'text' | 'image',
  content: string,
  notificationPreview: string,
): Promise<PresentedMessage> {
  const recipientId = actor.userId === tx.buyerId ? tx.sellerId : tx.buyerId;
  return deps.db.transaction().execute(async (trx) => {
    const row = await chatRepository.insert(trx, tx.id, actor.userId, type, content);
    const message = presentMessage(row, null);
    await writeOutbox(trx, [
      { kind: 'event', rooms: chatRooms(tx), event: 'new_message', data: { transactionId: tx.id, message } },
      notificationJob({
        userId: recipientId,
        type: 'new_message',
        dedupeKey: `message-${row.id}-${recipientId}`,
        text: { key: 'new_message', params: { preview: notificationPreview } },
        data: { transactionId: tx.id, messageId: row.id },
      }),
    ]);
    return message;
  });
}

/** SPEC §9: a staff read of a chat is audited like any staff action (the parties' own reads are not). */
async function auditStaffRead(deps: ChatDeps, actor: Actor, tx: TransactionParties, details: Record<string, unknown>, requestId?: string) {
  if (isParty(actor, tx)) return;
  await recordAudit(deps.db, {
    actorId: actor.userId,
    action: 'chat.viewed',
    targetType: 'transaction',
    targetId: tx.id,
    details,
    requestId: requestId ?? null,
  });
}

/**
 * Checks that `actor` may follow a transaction's chat live (`join_chat`, SPEC §6; 404 otherwise). Staff
 * joining a dispute read every message that follows, so the join is audited like the REST read, before
 * the caller subscribes the socket to the room it answers (staff's own: see `chatRooms`).
 */
export async function joinChat(deps: ChatDeps, actor: Actor, transactionId: string): Promise<{ room: string }> {
  const tx = await transactionFor(deps, actor, transactionId, canJoinTransactionRoom);
  await auditStaffRead(deps, actor, tx, { via: 'socket' });
  return { room: roomToFollow(actor, tx) };
}

/** A page of the chat, newest first, for whoever may read it (404 otherwise). */
export async function listMessages(deps: ChatDeps, actor: Actor, transactionId: string, limit: number, cursor?: string, requestId?: string) {
  const tx = await transactionFor(deps, actor, transactionId, canJoinTransactionRoom);
  await auditStaffRead(deps, actor, tx, { cursor: cursor ?? null }, requestId);
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
  const tx = await transactionFor(deps, actor, transactionId, canPostTransactionMessage);
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
        rooms: chatRooms(tx),
        event: 'messages_read',
        data: { transactionId, readerId: actor.userId, upToMessageId: last.id, readAt: readAt.toISOString() },
      },
    ]);
    return { read: rows.length, readAt: readAt.toISOString() };
  });
}
