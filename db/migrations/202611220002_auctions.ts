import { sql, type Kysely } from 'kysely';

/** Auctions: categories, listings with their auction state, bids, watchers, listing events, transactions. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE categories (
      slug text PRIMARY KEY CHECK (slug ~ '^[a-z0-9-]{2,40}$'),
      name text NOT NULL,
      parent_slug text REFERENCES categories (slug),
      sort_order integer NOT NULL DEFAULT 0,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE listings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      seller_id uuid NOT NULL REFERENCES users (id),
      title text NOT NULL,
      description text NOT NULL DEFAULT '',
      category_slug text NOT NULL REFERENCES categories (slug),
      condition text NOT NULL CHECK (condition IN ('new', 'like_new', 'good', 'fair', 'poor')),
      auction_type text NOT NULL CHECK (auction_type IN ('auction', 'fixed', 'both')),
      starting_price_cents integer NOT NULL CHECK (starting_price_cents > 0),
      reserve_price_cents integer CHECK (reserve_price_cents > starting_price_cents),
      buy_now_price_cents integer CHECK (buy_now_price_cents > 0),
      status text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'scheduled', 'active', 'ended_sold', 'ended_unsold', 'cancelled')),
      starts_at timestamptz,
      ends_at timestamptz,
      location_lat double precision,
      location_lng double precision,
      location_name text,
      -- Auction state (SPEC §2): written only under this row's lock by the bid engine's callers.
      current_price_cents integer NOT NULL,
      bid_count integer NOT NULL DEFAULT 0,
      leader_id uuid REFERENCES users (id),
      leader_max_cents integer,
      leader_seq integer,
      runner_up_id uuid REFERENCES users (id),
      runner_up_max_cents integer,
      runner_up_seq integer,
      next_bid_seq integer NOT NULL DEFAULT 1,
      reserve_met boolean NOT NULL DEFAULT false,
      event_seq bigint NOT NULL DEFAULT 0,
      watch_count integer NOT NULL DEFAULT 0,
      winner_id uuid REFERENCES users (id),
      ended_at timestamptz,
      cancelled_at timestamptz,
      search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(description, '')), 'B')
      ) STORED,
      deleted_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((location_lat IS NULL) = (location_lng IS NULL)),
      CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at)
    )`.execute(db);
  // Browse paths: live listings by end time / newest / price, per category, near a point, full text.
  await sql`CREATE INDEX listings_status_ends_idx ON listings (status, ends_at, id) WHERE deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX listings_status_created_idx ON listings (status, created_at DESC, id) WHERE deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX listings_status_price_idx ON listings (status, current_price_cents, id) WHERE deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX listings_category_idx ON listings (category_slug, status, ends_at) WHERE deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX listings_location_idx ON listings (location_lat, location_lng) WHERE deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX listings_search_idx ON listings USING gin (search)`.execute(db);
  await sql`CREATE INDEX listings_seller_idx ON listings (seller_id, created_at DESC)`.execute(db);
  await sql`CREATE INDEX listings_due_idx ON listings (ends_at) WHERE status = 'active'`.execute(db);
  await sql`CREATE INDEX listings_scheduled_idx ON listings (starts_at) WHERE status = 'scheduled'`.execute(db);

  await sql`
    CREATE TABLE listing_images (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      listing_id uuid NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
      storage_key text NOT NULL,
      url text NOT NULL,
      content_type text NOT NULL,
      size_bytes integer NOT NULL,
      position integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX listing_images_listing_idx ON listing_images (listing_id, position)`.execute(db);

  // One row per bidder per listing: stable public alias, latest bid time (retraction rule).
  await sql`
    CREATE TABLE listing_bidders (
      listing_id uuid NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
      bidder_id uuid NOT NULL REFERENCES users (id),
      alias text NOT NULL,
      last_bid_at timestamptz NOT NULL,
      retracted_at timestamptz,
      PRIMARY KEY (listing_id, bidder_id)
    )`.execute(db);
  await sql`CREATE INDEX listing_bidders_bidder_idx ON listing_bidders (bidder_id)`.execute(db);

  await sql`
    CREATE TABLE bids (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      listing_id uuid NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
      bidder_id uuid NOT NULL REFERENCES users (id),
      seq integer NOT NULL,
      amount_cents integer NOT NULL CHECK (amount_cents > 0),
      max_amount_cents integer NOT NULL CHECK (max_amount_cents > 0),
      is_auto_bid boolean NOT NULL,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retracted')),
      request_id text,
      received_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (listing_id, seq)
    )`.execute(db);
  await sql`CREATE INDEX bids_bidder_idx ON bids (bidder_id, created_at DESC)`.execute(db);

  // The decided outcome of every bid command, keyed by its request id: makes the bid job idempotent.
  await sql`
    CREATE TABLE bid_requests (
      request_id text PRIMARY KEY,
      listing_id uuid NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
      bidder_id uuid NOT NULL REFERENCES users (id),
      max_amount_cents integer NOT NULL,
      received_at timestamptz NOT NULL,
      accepted boolean NOT NULL,
      result jsonb NOT NULL,
      decided_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX bid_requests_listing_idx ON bid_requests (listing_id, decided_at)`.execute(db);

  await sql`
    CREATE TABLE watches (
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      listing_id uuid NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, listing_id)
    )`.execute(db);
  await sql`CREATE INDEX watches_listing_idx ON watches (listing_id)`.execute(db);

  // Stored listing events with a consecutive per-listing seq, for clients catching up (SPEC §6).
  await sql`
    CREATE TABLE listing_events (
      listing_id uuid NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
      seq bigint NOT NULL,
      type text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (listing_id, seq)
    )`.execute(db);

  await sql`
    CREATE TABLE transactions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      listing_id uuid NOT NULL UNIQUE REFERENCES listings (id),
      buyer_id uuid NOT NULL REFERENCES users (id),
      seller_id uuid NOT NULL REFERENCES users (id),
      amount_cents integer NOT NULL CHECK (amount_cents > 0),
      commission_bps integer NOT NULL,
      commission_cents integer NOT NULL,
      escrow_fee_cents integer NOT NULL,
      seller_payout_cents integer NOT NULL CHECK (seller_payout_cents > 0),
      status text NOT NULL DEFAULT 'pending_payment'
        CHECK (status IN ('pending_payment', 'in_escrow', 'released', 'cancelled', 'disputed', 'refunded', 'partially_refunded')),
      source text NOT NULL CHECK (source IN ('auction', 'buy_now')),
      payment_due_at timestamptz NOT NULL,
      verified_at timestamptz,
      released_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (buyer_id <> seller_id)
    )`.execute(db);
  await sql`CREATE INDEX transactions_buyer_idx ON transactions (buyer_id, created_at DESC)`.execute(db);
  await sql`CREATE INDEX transactions_seller_idx ON transactions (seller_id, created_at DESC)`.execute(db);

  await sql`
    CREATE TABLE notifications (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      type text NOT NULL,
      title text NOT NULL,
      body text NOT NULL,
      data jsonb NOT NULL DEFAULT '{}'::jsonb,
      dedupe_key text NOT NULL UNIQUE,
      read_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC)`.execute(db);
  await sql`CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL`.execute(db);

  await sql`
    INSERT INTO categories (slug, name, sort_order) VALUES
      ('electronics', 'Electronics', 10), ('phones', 'Phones & Tablets', 20), ('computers', 'Computers', 30),
      ('gaming', 'Video Games & Consoles', 40), ('home', 'Home & Garden', 50), ('furniture', 'Furniture', 60),
      ('appliances', 'Appliances', 70), ('fashion', 'Clothing & Accessories', 80), ('sports', 'Sports & Outdoors', 90),
      ('bikes', 'Bikes', 100), ('tools', 'Tools', 110), ('toys', 'Toys & Baby', 120), ('music', 'Musical Instruments', 130),
      ('books', 'Books, Movies & Music', 140), ('collectibles', 'Collectibles & Art', 150), ('auto-parts', 'Auto Parts', 160),
      ('other', 'Everything Else', 1000)`.execute(db);

  for (const table of ['categories', 'listings', 'transactions']) {
    await sql`CREATE TRIGGER ${sql.raw(`${table}_updated_at`)} BEFORE UPDATE ON ${sql.table(table)} FOR EACH ROW EXECUTE FUNCTION set_updated_at()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['notifications', 'transactions', 'listing_events', 'watches', 'bid_requests', 'bids', 'listing_bidders', 'listing_images', 'listings', 'categories']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)} CASCADE`.execute(db);
  }
}
