import { sql, type Kysely } from 'kysely';
import type { Trx } from '../../../db/connection';
import type { Database, Meetup } from '../../../db/schema';

type Reader = Kysely<Database>;

export interface NewMeetup {
  transactionId: string;
  safeZoneId: string;
  startsAt: Date;
  proposedBy: string;
}

/** The only Kysely code for meetups. */
export const meetupsRepository = {
  /** The transaction's current meetup (proposed or accepted), if any: at most one (a partial unique index). */
  async current(db: Reader, transactionId: string): Promise<Meetup | undefined> {
    return db.selectFrom('meetups').selectAll().where('transactionId', '=', transactionId).where('status', '<>', 'superseded').executeTakeFirst();
  },

  /**
   * The meetup the parties last agreed on, even if a newer proposal has superseded it: superseding keeps
   * `accepted_at`, and an unaccepted counter-proposal does not undo the agreement (SPEC §9 far-scan check).
   */
  async lastAccepted(db: Reader, transactionId: string): Promise<Meetup | undefined> {
    return db
      .selectFrom('meetups')
      .selectAll()
      .where('transactionId', '=', transactionId)
      .where('acceptedAt', 'is not', null)
      .orderBy('acceptedAt', 'desc')
      .orderBy('createdAt', 'desc')
      .limit(1)
      .executeTakeFirst();
  },

  /** The current meetups (proposed or accepted) at a zone that are still ahead of `now`, oldest first. */
  async upcomingAtZone(db: Reader, safeZoneId: string, now: Date): Promise<Meetup[]> {
    return db
      .selectFrom('meetups')
      .selectAll()
      .where('safeZoneId', '=', safeZoneId)
      .where('status', '<>', 'superseded')
      .where('startsAt', '>', now)
      .orderBy('createdAt')
      .execute();
  },

  async findById(db: Reader, id: string): Promise<Meetup | undefined> {
    return db.selectFrom('meetups').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** Retires the current meetup so a new proposal can take its place (the caller holds the transaction's lock). */
  async supersedeCurrent(trx: Trx, transactionId: string): Promise<void> {
    await trx
      .updateTable('meetups')
      .set({ status: 'superseded', updatedAt: sql<Date>`now()` })
      .where('transactionId', '=', transactionId)
      .where('status', '<>', 'superseded')
      .execute();
  },

  async insert(trx: Trx, meetup: NewMeetup): Promise<Meetup> {
    return trx.insertInto('meetups').values(meetup).returningAll().executeTakeFirstOrThrow();
  },

  /** proposed → accepted; answers undefined if it was not proposed any more. */
  async accept(trx: Trx, id: string): Promise<Meetup | undefined> {
    return trx
      .updateTable('meetups')
      .set({ status: 'accepted', acceptedAt: sql<Date>`now()`, updatedAt: sql<Date>`now()` })
      .where('id', '=', id)
      .where('status', '=', 'proposed')
      .returningAll()
      .executeTakeFirst();
  },
};

/** Every meetup the user proposed (superseded ones too), for a privacy access request. */
export async function meetupsProposedBy(db: Reader, userId: string): Promise<Meetup[]> {
  return db.selectFrom('meetups').selectAll().where('proposedBy', '=', userId).orderBy('createdAt').execute();
}
