import type { Message } from '../../../db/schema';

/** A chat message as the parties see it; `readAt` is when the other party first read it (null: unread). */
export function presentMessage(m: Message, readAt: Date | null) {
  return {
    id: m.id,
    transactionId: m.transactionId,
    senderId: m.senderId,
    type: m.type,
    content: m.content,
    createdAt: m.createdAt.toISOString(),
    readAt: readAt ? readAt.toISOString() : null,
  };
}

export type PresentedMessage = ReturnType<typeof presentMessage>;
