import { z } from '../../shared/zod';

/** SPEC: chat messages are short text; the column enforces the same bound. */
export const MAX_MESSAGE_CHARS = 2000;

export const MessageContent = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_MESSAGE_CHARS, `at most ${MAX_MESSAGE_CHARS} characters`);

export const TransactionIdParams = z.object({ id: z.uuid() });
export const PostMessageBody = z.strictObject({ content: MessageContent }).openapi('PostMessage');
export const MarkReadBody = z.strictObject({ upToMessageId: z.uuid().optional() }).openapi('MarkMessagesRead');
export const MessagesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().regex(/^\d+$/, 'must be a cursor from a previous page').optional(),
});

export const MessageSchema = z
  .object({
    id: z.uuid(),
    transactionId: z.uuid(),
    senderId: z.uuid().nullable(),
    type: z.enum(['text', 'image', 'system']),
    content: z.string(),
    createdAt: z.iso.datetime(),
    readAt: z.iso.datetime().nullable().describe('When the other party first read it'),
  })
  .openapi('Message');
export const MessagePage = z.object({ items: z.array(MessageSchema), nextCursor: z.string().nullable() }).openapi('MessagePage');
export const MarkReadResult = z.object({ read: z.number().int(), readAt: z.iso.datetime() }).openapi('MessagesRead');
