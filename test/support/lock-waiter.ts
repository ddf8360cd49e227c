import type { Client } from 'pg';

/**
 * Waits until another connection of `holder`'s database waits for a lock (the one `holder` took), so a
 * test can order "the request is blocked" before "the holder commits" without sleeping on a guess.
 */
export async function waitForLockWaiter(holder: Client): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const { rows } = await holder.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
    );
    if (rows[0].n > 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('nothing waited for the lock');
}
