import { created, defineRoute, ok } from '../../http/route';
import {
  MarkReadBody,
  MarkReadResult,
  MessagePage,
  MessageSchema,
  MessagesQuery,
  PostMessageBody,
  TransactionIdParams,
} from './chat.schemas';
import { listMessages, markMessagesRead, postMessage } from './messages';

const tags = ['chat'];
const hidden = { 404: { description: 'No such transaction, or you are not a party to it' } };

/** Transaction chat over REST (the socket `message` event goes through the same `postMessage`). */
export const chatRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/v1/transactions/:id/messages',
      summary: 'Chat of a transaction, newest first (parties only)',
      tags,
      params: TransactionIdParams,
      query: MessagesQuery,
      responses: { 200: { description: 'A page of messages', schema: MessagePage }, ...hidden },
    },
    async (deps, { actor, params, query, requestId }) => ok(await listMessages(deps, actor, params.id, query.limit, query.cursor, requestId)),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/transactions/:id/messages',
      summary: 'Send a chat message to the other party (also fanned out as `new_message`)',
      tags,
      params: TransactionIdParams,
      body: PostMessageBody,
      responses: { 201: { description: 'Stored and queued for delivery', schema: MessageSchema }, ...hidden },
    },
    async (deps, { actor, params, body }) => created(await postMessage(deps, actor, params.id, body.content)),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/transactions/:id/messages/read',
      summary: "Mark the other party's messages as read (all, or up to one message)",
      tags,
      params: TransactionIdParams,
      body: MarkReadBody,
      responses: { 200: { description: 'How many were newly marked', schema: MarkReadResult }, ...hidden },
    },
    async (deps, { actor, params, body }) => ok(await markMessagesRead(deps, actor, params.id, body.upToMessageId)),
  ),
];
