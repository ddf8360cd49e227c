import { defineRoute, noContent, ok } from '../../http/route';
import { notFound } from '../../shared/errors';
import { decodeTimeCursor, encodeTimeCursor } from '../../shared/time-cursor';
import { z } from '../../shared/zod';
import { presentNotification } from './notifications.presenter';
import { countUnread, findNotificationPage, markAllRead, markRead } from './notifications.repository';

const tags = ['notifications'];
const NotificationSchema = z
  .object({
    id: z.uuid(),
    type: z.string(),
    title: z.string(),
    body: z.string(),
    data: z.record(z.string(), z.unknown()),
    readAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi('Notification');
const Page = z.object({ items: z.array(NotificationSchema), nextCursor: z.string().nullable() }).openapi('NotificationPage');
const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(30),
  cursor: z.string().max(200).optional(),
  unread: z.enum(['true', 'false']).optional(),
});

export const notificationRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/v1/notifications',
      summary: 'Your notifications, newest first',
      tags,
      query: ListQuery,
      responses: { 200: { description: 'A page', schema: Page } },
    },
    async (deps, { actor, query }) => {
      const after = query.cursor ? decodeTimeCursor(query.cursor) : undefined;
      const rows = await findNotificationPage(deps.db, {
        userId: actor.userId,
        limit: query.limit,
        unreadOnly: query.unread === 'true',
        after,
      });
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      const nextCursor = rows.length > query.limit && last ? encodeTimeCursor({ key: last.createdKey, id: last.id }) : null;
      return ok({ items: page.map(presentNotification), nextCursor });
    },
  ),
  defineRoute(
    {
      method: 'get',
      path: '/v1/notifications/unread-count',
      summary: 'How many are unread',
      tags,
      responses: { 200: { description: 'Count', schema: z.object({ count: z.number().int() }) } },
    },
    async (deps, { actor }) => {
      return ok({ count: await countUnread(deps.db, actor.userId) });
    },
  ),
  defineRoute(
    { method: 'patch', path: '/v1/notifications/read-all', summary: 'Mark all as read', tags, responses: { 204: { description: 'Done' } } },
    async (deps, { actor }) => {
      await markAllRead(deps.db, actor.userId);
      return noContent();
    },
  ),
  defineRoute(
    {
      method: 'patch',
      path: '/v1/notifications/:id/read',
      summary: 'Mark one as read',
      tags,
      params: z.object({ id: z.uuid() }),
      responses: { 200: { description: 'The notification', schema: NotificationSchema } },
    },
    async (deps, { actor, params }) => {
      const row = await markRead(deps.db, actor.userId, params.id);
      if (!row) throw notFound('notification');
      return ok(presentNotification(row));
    },
  ),
];
