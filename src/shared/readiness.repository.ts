import { sql } from 'kysely';
import { Client } from 'pg';
import type { Db } from '../../db/connection';
import { withTimeout } from './timeout';

/** A round trip to the database (the readiness check): resolves true, or rejects when it is down. */
export async function pingDatabase(db: Db): Promise<boolean> {
  await sql`SELECT 1`.execute(db);
  return true;
}

/**
 * `SELECT 1` on a connection of its own, outside the pool: the pool may be exhausted by requests stuck
 * on a hung server (or just busy), which must not read as "PostgreSQL is down". The connection is kept
 * between probes and replaced after any failure.
 */
export class DatabaseProbe {
  private client?: Client;
  /** Clients whose connect completed (see `discard`). */
  private readonly opened = new WeakSet<Client>();
  private closed = false;

  constructor(private readonly connectionString: string) {}

  /**
   * Opens the probe's connection ahead of the first probe, allowed `connectTimeoutMs` as the pool's
   * connections are. A probe then times PostgreSQL's answer, not a cold connect: on a busy host
   * (a fresh checkout's embedded database under a full test run) opening a connection can take
   * longer than the probe's bound and a healthy database read as down. Resolves either way; a
   * failed open is retried by the next probe.
   */
  async warm(connectTimeoutMs: number): Promise<void> {
    await this.connected(connectTimeoutMs).catch(() => undefined);
  }

  /** Resolves when PostgreSQL answered within `timeoutMs`; rejects otherwise. */
  async ping(timeoutMs: number): Promise<void> {
    try {
      const client = await this.connected(timeoutMs);
      await withTimeout(client.query('SELECT 1'), timeoutMs);
    } catch (err) {
      this.discard();
      throw err;
    }
  }

  close(): void {
    this.closed = true;
    this.discard();
  }

  private async connected(timeoutMs: number): Promise<Client> {
    if (this.closed) throw new Error('the database probe is closed');
    if (this.client) return this.client;
    const client = new Client({ connectionString: this.connectionString, connectionTimeoutMillis: timeoutMs, application_name: 'biddt-probe' });
    // The server went away between probes: the next probe reconnects.
    client.on('error', () => {
      if (this.client === client) this.discard();
    });
    this.client = client;
    // Closing meanwhile destroys the socket (`discard`), which fails this connect: nothing stays open.
    try {
      await client.connect();
    } catch (err) {
      if (this.client === client) this.discard();
      throw err;
    }
    this.opened.add(client);
    return client;
  }

  /**
   * Drops the connection without waiting: a hung server would never acknowledge a polite goodbye.
   * A connect still in progress is only cut (its connect then fails): pg never settles a connect
   * that `end()` interrupted.
   */
  private discard(): void {
    const client = this.client as (Client & { connection?: { stream?: { destroy(): void } } }) | undefined;
    this.client = undefined;
    if (!client) return;
    client.connection?.stream?.destroy();
    if (this.opened.has(client)) void client.end().catch(() => undefined);
  }
}
