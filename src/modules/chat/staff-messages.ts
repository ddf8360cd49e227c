import type { Trx } from '../../../db/connection';
import type { Actor } from '../../shared/context';
import { conflict, forbidden, notFound } from '../../shared/errors';
import { notificationJob } from '../../shared/jobs';
import { eventFor, writeOutbox } from '../../shared/outbox';
import { can } from '../../shared/permissions';
import type { Platform } from '../../shared/platform';
import { chatRooms } from './chat.policy';
import { presentMessage, type PresentedMessage } from './chat.presenter';
import { staffMessagesRepository } from './staff-messages.repository';

const PREVIEW_CHARS = 120;
const preview = (content: string) => (content.length > PREVIEW_CHARS ? `${content.slice(0, PREVIEW_CHARS - 1)}…` : content);

/**
 * A staff message in a disputed transaction's chat (SPEC §9 "messaging the parties"): stored as a
 * text message whose sender is the staff member (shown as "staff" to both sides), fanned out as
 * `new_message` to the transaction room and as a notification to both parties. Only while the
 * transaction is disputed (409 `not_disputed` otherwise). `record` writes the caller's audit entry in
 * the same database transaction.
 */
export async function postStaffMessage(
  deps: Pick<Platform, 'db'>,
  actor: Actor,
  transactionId: string,
  content: string,
  record: (trx: Trx, message: PresentedMessage) => Promise<void>,
): Promise<PresentedMessage> {
  if (!can(actor.role, 'disputes:resolve')) throw forbidden('missing_permission', 'This needs the disputes:resolve permission.');
  return deps.db.transaction().execute(async (trx) => {
    // Shared-locked until commit: a resolution committing first leaves this message refused, not
    // posted into a case already decided (and to a staff room that no longer gets the chat).
    const tx = await staffMessagesRepository.lockParties(trx, transactionId);
    if (!tx) throw notFound('transaction');
    if (tx.status !== 'disputed') throw conflict('not_disputed', 'Staff write to a chat only while its transaction is disputed.');
    const row = await staffMessagesRepository.insertText(trx, transactionId, actor.userId, content);
    const message = presentMessage(row, null);
    await writeOutbox(trx, [
      eventFor('new_message', chatRooms({ id: transactionId, status: tx.status }), { transactionId, message }),
      ...[tx.buyerId, tx.sellerId].map((userId) =>
        notificationJob({
          userId,
          type: 'new_message',
          dedupeKey: `message-${row.id}-${userId}`,
          text: { key: 'staff_message', params: { preview: preview(content) } },
          data: { transactionId, messageId: row.id },
        }),
      ),
    ]);
    await record(trx, message);
    return message;
  });
}
