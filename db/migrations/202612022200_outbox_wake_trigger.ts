import { sql, type Kysely } from 'kysely';

/**
 * Wakes the outbox relay from the insert itself: a statement-level trigger NOTIFYs the `outbox`
 * channel (delivered on commit; several in one transaction are delivered once). Until now every
 * outbox write was two round trips, the insert and a `SELECT pg_notify(…)`; now it is one, and a
 * write can be folded with others into one statement (data-modifying CTEs fire the trigger too).
 * The channel name is `OUTBOX_CHANNEL` (src/shared/outbox.repository.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION outbox_wake() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('outbox', '');
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER outbox_wake AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_wake()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER outbox_wake ON outbox`.execute(db);
  await sql`DROP FUNCTION outbox_wake()`.execute(db);
}
