import type { Selectable } from 'kysely';
import type { NotificationsTable } from '../../../db/schema';

/** A notification as its recipient sees it. */
export function presentNotification(n: Selectable<NotificationsTable>) {
  return {
    id: n.id,
    type: n.type,
    title: n.title,
    body: n.body,
    data: n.data,
    readAt: n.readAt ? n.readAt.toISOString() : null,
    createdAt: n.createdAt.toISOString(),
  };
}
