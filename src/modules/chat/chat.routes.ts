import { imageUpload, serveStoredImages, STORED_IMAGE_FILE } from '../../http/image-upload';
import { created, defineRoute, ok } from '../../http/route';
import { notFound } from '../../shared/errors';
import { z } from '../../shared/zod';
import {
  MarkReadBody,
  MarkReadResult,
  MessagePage,
  MessageSchema,
  MessagesQuery,
  PostMessageBody,
  TransactionIdParams,
} from './chat.schemas';
import { listMessages, markMessagesRead, postImageMessage, postMessage } from './messages';

const tags = ['chat'];
const PhotoParams = z.object({ transactionId: z.uuid(), file: z.string().regex(STORED_IMAGE_FILE) });
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
      path: '/v1/transactions/:id/messages/images',
      summary: 'Send a photo to the chat — evidence support sees in a dispute (multipart field "image": JPEG, PNG or WebP, ≤ 10 MB)',
      tags,
      params: TransactionIdParams,
      before: () => [imageUpload()],
      responses: {
        201: { description: 'An image message (content is the photo URL), fanned out as `new_message`', schema: MessageSchema },
        ...hidden,
        413: { description: 'image_too_large' },
        422: { description: 'unsupported_image_type (checked by content, not name)' },
      },
    },
    async (deps, { actor, params, rawBody }) => created(await postImageMessage(deps, actor, params.id, rawBody)),
  ),
  defineRoute(
    {
      method: 'get',
      path: '/uploads/chat/:transactionId/:file',
      summary: 'A chat photo (local-disk storage only; with S3 the message URL points at the bucket). The random name is the capability',
      tags,
      auth: 'none',
      params: PhotoParams,
      before: (deps) => [serveStoredImages(deps, 'chat', 'transactionId')],
      responses: { 200: { description: 'The image bytes', contentType: 'image/*' } },
    },
    async () => {
      throw notFound('image');
    },
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
