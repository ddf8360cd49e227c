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

  constructor(private readonly connectionString: string) {}

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
    this.discard();
  }

  private async connected(timeoutMs: number): Promise<Client> {
    if (this.client) return this.client;
    const client = new Client({ connectionString: this.connectionString, connectionTimeoutMillis: timeoutMs, application_name: 'biddt-probe' });
    // The server went away between probes: the next probe reconnects.
    client.on('error', () => {
      if (this.client === client) this.discard();
    });
    this.client = client;
    await client.connect();
    return client;
  }

  /** Drops the connection without waiting: a hung server would never acknowledge a polite goodbye. */
  private discard(): void {
    const client = this.client as (Client & { connection?: { stream?: { destroy(): void } } }) | undefined;
    this.client = undefined;
    if (!client) return;
    client.connection?.stream?.destroy();
    void client.end().catch(() => undefined);
  }
}
