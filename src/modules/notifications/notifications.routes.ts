import { sql } from 'kysely';
import { defineRoute, noContent, ok } from '../../http/route';
import { notFound } from '../../shared/errors';
import { z } from '../../shared/zod';
import { presentNotification } from './notifications.presenter';

const tags = ['notifications'];
const NotificationSchema = z
  .object({ id: z.uuid(), type: z.string(), title: z.string(), body: z.string(), data: z.record(z.string(), z.unknown()), readAt: z.iso.datetime().nullable(), createdAt: z.iso.datetime() })
  .openapi('Notification');
const Page = z.object({ items: z.array(NotificationSchema), nextCursor: z.string().nullable() }).openapi('NotificationPage');
const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(30),
  cursor: z.string().regex(/^\d+_[0-9a-f-]{36}$/, 'must be a cursor from a previous page').optional(),
  unread: z.enum(['true', 'false']).optional(),
});

export const notificationRoutes = [
  defineRoute(
    { method: 'get', path: '/v1/notifications', summary: 'Your notifications, newest first', tags, query: ListQuery, responses: { 200: { description: 'A page', schema: Page } } },
    async (deps, { actor, query }) => {
      let q = deps.db
        .selectFrom('notifications')
        .selectAll()
        .where('userId', '=', actor.userId)
        .orderBy('createdAt', 'desc')
        .orderBy('id', 'desc')
        .limit(query.limit + 1);
      if (query.unread === 'true') q = q.where('readAt', 'is', null);
      if (query.cursor) {
        const [ms, id] = query.cursor.split('_');
        q = q.where((eb) => eb.or([eb('createdAt', '<', new Date(Number(ms))), eb.and([eb('createdAt', '=', new Date(Number(ms))), eb('id', '<', id)])]));
      }
      const rows = await q.execute();
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return ok({ items: page.map(presentNotification), nextCursor: rows.length > query.limit && last ? `${last.createdAt.getTime()}_${last.id}` : null });
    },
  ),
  defineRoute(
    { method: 'get', path: '/v1/notifications/unread-count', summary: 'How many are unread', tags, responses: { 200: { description: 'Count', schema: z.object({ count: z.number().int() }) } } },
    async (deps, { actor }) => {
      const row = await deps.db.selectFrom('notifications').select(sql<string>`count(*)`.as('count')).where('userId', '=', actor.userId).where('readAt', 'is', null).executeTakeFirstOrThrow();
      return ok({ count: Number(row.count) });
    },
  ),
  defineRoute(
    { method: 'patch', path: '/v1/notifications/read-all', summary: 'Mark all as read', tags, responses: { 204: { description: 'Done' } } },
    async (deps, { actor }) => {
      await deps.db.updateTable('notifications').set({ readAt: sql<Date>`now()` }).where('userId', '=', actor.userId).where('readAt', 'is', null).execute();
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
      const row = await deps.db
        .updateTable('notifications')
        .set({ readAt: sql<Date>`coalesce(read_at, now())` })
        .where('id', '=', params.id)
        .where('userId', '=', actor.userId)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw notFound('notification');
      return ok(presentNotification(row));
    },
  ),
];
