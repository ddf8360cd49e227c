import { sql, type Selectable } from 'kysely';
import type { Db } from '../../../db/connection';
import type { NotificationsTable } from '../../../db/schema';

// The only Kysely code for `notifications`.

export type NotificationRow = Selectable<NotificationsTable>;

/** Which page of a user's notifications to read. */
export interface NotificationPageQuery {
  userId: string;
  limit: number;
  unreadOnly: boolean;
  /** The last row of the previous page (its `createdKey` and `id`), when continuing. */
  after?: { key: string; id: string };
}

/** A row of a page, with its created_at as exact PostgreSQL text: the page key. */
export type NotificationPageRow = NotificationRow & { createdKey: string };

/** Up to `limit + 1` of the user's notifications, newest first (the extra row tells that more follow). */
export async function findNotificationPage(db: Db, p: NotificationPageQuery): Promise<NotificationPageRow[]> {
  let q = db
    .selectFrom('notifications')
    .selectAll()
    .select(sql<string>`created_at::text`.as('createdKey'))
    .where('userId', '=', p.userId)
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .limit(p.limit + 1);
  if (p.unreadOnly) q = q.where('readAt', 'is', null);
  const after = p.after;
  // Compared as timestamptz from the exact text, so rows sharing a millisecond are neither skipped nor repeated.
  if (after) q = q.where(sql<boolean>`(created_at, id) < (${after.key}::timestamptz, ${after.id}::uuid)`);
  return q.execute();
}

/** How many of the user's notifications are unread. */
export async function countUnread(db: Db, userId: string): Promise<number> {
  const row = await db.selectFrom('notifications').select(sql<string>`count(*)`.as('count')).where('userId', '=', userId).where('readAt', 'is', null).executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Marks every unread notification of the user read. */
export async function markAllRead(db: Db, userId: string): Promise<void> {
  await db.updateTable('notifications').set({ readAt: sql<Date>`now()` }).where('userId', '=', userId).where('readAt', 'is', null).execute();
}

/** Marks one of the user's notifications read (keeping the first read time); undefined when not theirs. */
export async function markRead(db: Db, userId: string, id: string): Promise<NotificationRow | undefined> {
  return db
    .updateTable('notifications')
    .set({ readAt: sql<Date>`coalesce(read_at, now())` })
    .where('id', '=', id)
    .where('userId', '=', userId)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Stores notifications once per dedupe key, in one statement; returns the rows it stored, by dedupe
 * key (a key stored before is left alone and absent from the result). `delivered`: nothing but the
 * row itself goes out, so it is stored delivered at once instead of by a second statement.
 */
export async function insertNotificationsOnce(
  db: Db,
  rows: Array<{ userId: string; type: string; title: string; body: string; data: Record<string, unknown>; dedupeKey: string; delivered: boolean }>,
): Promise<Map<string, NotificationRow>> {
  if (rows.length === 0) return new Map();
  const stored = await db
    .insertInto('notifications')
    .values(
      rows.map((n) => ({
        userId: n.userId,
        type: n.type,
        title: n.title,
        body: n.body,
        data: JSON.stringify(n.data),
        dedupeKey: n.dedupeKey,
        deliveredAt: n.delivered ? sql<Date>`now()` : null,
      })),
    )
    .onConflict((oc) => oc.column('dedupeKey').doNothing())
    .returningAll()
    .execute();
  return new Map(stored.map((row) => [row.dedupeKey, row]));
}

/** The notification stored under a dedupe key (it must exist). */
export async function getNotificationByDedupeKey(db: Db, dedupeKey: string): Promise<NotificationRow> {
  return db.selectFrom('notifications').selectAll().where('dedupeKey', '=', dedupeKey).executeTakeFirstOrThrow();
}

/** Records that push/SMS went out, so a retry of the job does not send them again. */
export async function markDelivered(db: Db, id: string): Promise<void> {
  await db.updateTable('notifications').set({ deliveredAt: sql<Date>`now()` }).where('id', '=', id).execute();
}

/** The device tokens this notification's push already reached. */
export async function reachedDevices(db: Db, notificationId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('notificationDeliveries').select('deviceToken').where('notificationId', '=', notificationId).execute();
  return new Set(rows.map((r) => r.deviceToken));
}

/** Records that the push reached one device. */
export async function recordReachedDevice(db: Db, notificationId: string, deviceToken: string): Promise<void> {
  await db.insertInto('notificationDeliveries').values({ notificationId, deviceToken }).onConflict((oc) => oc.doNothing()).execute();
}
