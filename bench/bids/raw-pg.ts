import { Client } from 'pg';

/**
 * Baseline: the raw PostgreSQL rate of the hot-row transaction a bid needs (lock the listing row,
 * insert a bid, update the row), from ONE client, on the same database, in the same run.
 */
export async function rawHotRowRate(databaseUrl: string, listingId: string, bidderId: string, seconds: number): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  let seq = 1_000_000;
  let done = 0;
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    seq += 1;
    await client.query('BEGIN');
    await client.query('SELECT * FROM listings WHERE id = $1 FOR UPDATE', [listingId]);
    await client.query(
      `INSERT INTO bids (listing_id, bidder_id, seq, amount_cents, max_amount_cents, is_auto_bid, received_at)
       VALUES ($1, $2, $3, 1000, 1000, false, now())`,
      [listingId, bidderId, seq],
    );
    await client.query('UPDATE listings SET bid_count = bid_count + 1, current_price_cents = $2 WHERE id = $1', [listingId, 1000]);
    await client.query('COMMIT');
    done += 1;
  }
  await client.end();
  return done / seconds;
}
