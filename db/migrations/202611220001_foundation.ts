import { sql, type Kysely } from 'kysely';

/** Foundation: updated_at trigger, users and auth tables, idempotency keys, audit log, outbox. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger AS $$
    BEGIN
      NEW.updated_at = now();
      RETURN NEW;
    END;
    $$ LANGUAGE plpgsql`.execute(db);

  await sql`
    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      phone_number text NOT NULL,
      phone_verified_at timestamptz,
      display_name text,
      email text,
      avatar_url text,
      role text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'support', 'admin')),
      suspended_at timestamptz,
      non_payment_strikes integer NOT NULL DEFAULT 0,
      deleted_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // A soft-deleted account keeps its row for 30 days; the phone number may sign up again meanwhile.
  await sql`CREATE UNIQUE INDEX users_phone_live_key ON users (phone_number) WHERE deleted_at IS NULL`.execute(db);

  await sql`
    CREATE TABLE phone_otps (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      phone_number text NOT NULL,
      code_hash text NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      expires_at timestamptz NOT NULL,
      consumed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX phone_otps_phone_idx ON phone_otps (phone_number, created_at DESC)`.execute(db);

  await sql`
    CREATE TABLE refresh_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      family_id uuid NOT NULL,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      token_hash text NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      rotated_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`.execute(db);
  await sql`CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id)`.execute(db);

  await sql`
    CREATE TABLE idempotency_keys (
      scope text NOT NULL,
      key text NOT NULL,
      request_hash text NOT NULL,
      status_code integer,
      response_body jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz,
      PRIMARY KEY (scope, key)
    )`.execute(db);

  await sql`
    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      actor_id uuid REFERENCES users (id),
      action text NOT NULL,
      target_type text NOT NULL,
      target_id text NOT NULL,
      details jsonb NOT NULL DEFAULT '{}'::jsonb,
      request_id text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id)`.execute(db);

  await sql`
    CREATE TABLE outbox (
      id bigserial PRIMARY KEY,
      topic text NOT NULL,
      payload jsonb NOT NULL,
      available_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz,
      attempts integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX outbox_pending_idx ON outbox (id) WHERE published_at IS NULL`.execute(db);

  await sql`CREATE TRIGGER users_updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION set_updated_at()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['outbox', 'audit_log', 'idempotency_keys', 'refresh_tokens', 'phone_otps', 'users']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)} CASCADE`.execute(db);
  }
  await sql`DROP FUNCTION IF EXISTS set_updated_at()`.execute(db);
}
