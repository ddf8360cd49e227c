import { sql, type Kysely } from 'kysely';

/**
 * Transaction chat: messages between buyer and seller (and system lines), and read receipts. A
 * message is written before it is fanned out (through the outbox), so what a client saw is stored.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE messages (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      -- Total order within the table: stable cursors and ordering (timestamps can tie).
      seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      transaction_id uuid NOT NULL REFERENCES transactions (id) ON DELETE CASCADE,
      sender_id uuid REFERENCES users (id),
      type text NOT NULL CHECK (type IN ('text', 'image', 'system')),
      content text NOT NULL CHECK (char_length(content) BETWEEN 1 AND 2000),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((type = 'system') = (sender_id IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX messages_transaction_idx ON messages (transaction_id, seq DESC)`.execute(db);

  // One row per (message, reader): when each recipient first read it.
  await sql`
    CREATE TABLE message_reads (
      message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      read_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (message_id, user_id)
    )`.execute(db);
  await sql`CREATE INDEX message_reads_user_idx ON message_reads (user_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS message_reads`.execute(db);
  await sql`DROP TABLE IF EXISTS messages`.execute(db);
}
