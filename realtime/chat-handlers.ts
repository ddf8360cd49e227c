import { joinChat, MessageContent, postMessage } from '../src/modules/chat';
import { transactionRoom, transactionStaffRoom } from '../src/shared/rooms';
import { z } from '../src/shared/zod';
import { onEvent } from './ack';
import { inOrderPerKey } from './in-order';
import type { BiddtSocket, RealtimeDeps } from './types';

const JoinPayload = z.strictObject({ transactionId: z.uuid() });
const MessagePayload = z.strictObject({ transactionId: z.uuid(), content: MessageContent });

/**
 * Transaction rooms. `join_chat {transactionId}` is checked against the transactions row on every
 * join (`joinChat`: parties, staff while disputed; a staff join is audited); strangers get 404. `message {transactionId, content}` goes through
 * the same `postMessage` as REST (stored, then `new_message` via the outbox), spending the same per-user
 * API budget; ack data = the message.
 */
export function registerChatHandlers(deps: RealtimeDeps, socket: BiddtSocket): void {
  // A join and the leave sent right after it apply in that order (see inOrderPerKey).
  const inOrder = inOrderPerKey();
  onEvent(socket, deps.logger, 'join_chat', JoinPayload, ({ transactionId }) =>
    inOrder(transactionId, async () => {
      const { room } = await joinChat(deps, socket.data.actor, transactionId);
      await socket.join(room);
      return { transactionId };
    }),
  );
  onEvent(socket, deps.logger, 'leave_chat', JoinPayload, ({ transactionId }) =>
    inOrder(transactionId, async () => {
      await Promise.all([socket.leave(transactionRoom(transactionId)), socket.leave(transactionStaffRoom(transactionId))]);
      return { transactionId };
    }),
  );
  onEvent(socket, deps.logger, 'message', MessagePayload, async ({ transactionId, content }) => {
    // The same action as POST /transactions/:id/messages, so the same per-user API budget: the socket's
    // own event budget alone would give a user with several sockets more messages than REST allows.
    await deps.rateLimits.consume('apiUser', socket.data.actor.userId);
    return postMessage(deps, socket.data.actor, transactionId, content);
  });
}
