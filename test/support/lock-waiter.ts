import { Client as PgClient, type Client } from 'pg';

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

/**
 * Forces an interleaving of two transactions without timing guesses: a gate (a third transaction
 * holding a table lock) parks one side at a known statement, and PostgreSQL's own view of who waits
 * for whom (pg_blocking_pids) tells when the other side is blocked. Watches through a connection of
 * its own.
 */
export class LockWatch {
  private constructor(
    private readonly databaseUrl: string,
    private readonly observer: Client,
  ) {}

  static async open(databaseUrl: string): Promise<LockWatch> {
    const observer = new PgClient({ connectionString: databaseUrl });
    await observer.connect();
    return new LockWatch(databaseUrl, observer);
  }

  close(): Promise<void> {
    return this.observer.end();
  }

  /** A transaction on its own connection that holds `lock` (a LOCK TABLE statement) until released. */
  async holdTableLock(lock: string): Promise<{ pid: number; release(): Promise<void> }> {
    const client = new PgClient({ connectionString: this.databaseUrl });
    await client.connect();
    await client.query('BEGIN');
    await client.query(lock);
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    let released: Promise<void> | undefined;
    return {
      pid: rows[0].pid,
      /** Rolls back and disconnects (once; later calls wait for the first). */
      release() {
        released ??= client.query('ROLLBACK').then(() => client.end());
        return released;
      },
    };
  }

  /** The backends now waiting for a lock `pid` holds. */
  async waitersOf(pid: number): Promise<number[]> {
    const { rows } = await this.observer.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND $1 = ANY(pg_blocking_pids(pid))',
      [pid],
    );
    return rows.map((r) => r.pid);
  }

  /**
   * Polls until a backend waits for a lock `pid` holds and answers it, or answers undefined once
   * `unless` reports true (the side expected to wait finished instead).
   */
  async waiterOf(pid: number, unless: () => boolean = () => false): Promise<number | undefined> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const [waiter] = await this.waitersOf(pid);
      if (waiter) return waiter;
      if (unless()) return undefined;
      if (Date.now() > deadline) throw new Error(`nothing waited for backend ${pid}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * Forces one interleaving: `first` starts and parks behind `gate` (a statement taking a lock that a
   * third transaction holds meanwhile, which `first` needs at a known point), then `second` starts;
   * reports whether `second` waited for a lock `first` holds (rather than finishing meanwhile), then
   * lets both finish and answers their results.
   */
  async race<A, B>(gate: string, first: () => Promise<A>, second: () => Promise<B>): Promise<{ secondWaited: boolean; first: A; second: B }> {
    const held = await this.holdTableLock(gate);
    let a: Promise<A> | undefined;
    let b: Promise<B> | undefined;
    try {
      a = first();
      const firstPid = (await this.waiterOf(held.pid))!;
      let settled = false;
      b = second().finally(() => (settled = true));
      const secondWaited = (await this.waiterOf(firstPid, () => settled)) !== undefined;
      await held.release();
      return { secondWaited, first: await a, second: await b };
    } finally {
      await held.release();
      await a?.catch(() => undefined);
      await b?.catch(() => undefined);
    }
  }
}
