import { createServer, type Server, type Socket } from 'node:net';
import { sql } from 'kysely';
import { createDb } from '../../db/connection';
import { loadConfig } from '../../src/config/config';
import { PaymentsError } from '../../src/providers/payments/payments';
import { createPayments } from '../../src/providers/payments/create-payments';
import { createTestDatabase, testEnvVars } from '../support/harness';
import { createDeps, type Deps } from '../../src/composition';

/** A server that accepts connections and never answers: a hung PostgreSQL or Stripe. */
async function startBlackhole(): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    connections: () => accepted,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** How long `work` took to settle, and its error; a guard turns a hang into a failure instead of a stuck test. */
async function settle(work: Promise<unknown>, guardMs = 10_000): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${guardMs} ms`)), guardMs);
  });
  try {
    await Promise.race([work, guard]);
    return { ms: Date.now() - started, error: undefined };
  } catch (error) {
    return { ms: Date.now() - started, error };
  } finally {
    clearTimeout(timer);
  }
}

describe('configured defaults', () => {
  it('bounds PostgreSQL, Redis and Stripe out of the box', () => {
    const config = loadConfig({ NODE_ENV: 'development' });
    expect(config.databaseTimeouts).toEqual({ connectMs: 2000, idleMs: 10_000, statementMs: 30_000, idleInTransactionMs: 60_000 });
    expect(config.redisCommandTimeoutMs).toBe(2000);
    expect(config.stripe).toEqual(expect.objectContaining({ timeoutMs: 10_000, maxNetworkRetries: 2 }));
    expect(loadConfig({ NODE_ENV: 'test' }).stripe.maxNetworkRetries).toBe(0);
  });
});

describe('PostgreSQL pool timeouts', () => {
  let database: { url: string; drop(): Promise<void> };
  let deps: Deps | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await deps?.close();
    deps = undefined;
  });
  afterAll(() => database.drop());

  const depsWith = async (extra: Record<string, string>) => {
    deps = await createDeps(loadConfig(testEnvVars(database.url, extra)), 'test');
    return deps;
  };

  it('cancels a statement running longer than DATABASE_STATEMENT_TIMEOUT_MS', async () => {
    const { db } = await depsWith({ DATABASE_STATEMENT_TIMEOUT_MS: '300' });
    const { ms, error } = await settle(sql`SELECT pg_sleep(3)`.execute(db));
    expect((error as { code?: string }).code).toBe('57014'); // query_canceled
    expect(ms).toBeLessThan(2000);
  });

  it('rolls back a transaction left idle longer than DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS, without crashing the process', async () => {
    const { db } = await depsWith({ DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '300' });
    const stuck = db.transaction().execute(async (trx) => {
      await sql`CREATE TEMP TABLE held (id int)`.execute(trx);
      await new Promise((r) => setTimeout(r, 1200)); // a slow network call made inside the transaction
      await sql`SELECT 1`.execute(trx);
    });
    const { error } = await settle(stuck);
    expect(String((error as Error).message)).toMatch(/idle-in-transaction|terminat|not queryable/i);
    // The pool dropped the dead connection: the next query gets a fresh one.
    expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(db)).rows).toEqual([{ one: 1 }]);
  });

  it('gives up on a server that accepts but never answers after DATABASE_CONNECT_TIMEOUT_MS', async () => {
    const hole = await startBlackhole();
    const db = createDb(`postgres://postgres@127.0.0.1:${hole.port}/x`, 2, () => undefined, { connectMs: 300 });
    try {
      const { ms, error } = await settle(sql`SELECT 1`.execute(db));
      expect(String((error as Error).message)).toMatch(/timeout/i);
      expect(ms).toBeLessThan(1000);
    } finally {
      await db.destroy().catch(() => undefined);
      await hole.close();
    }
  });

  it('applies the configured bounds to every connection of the pool', async () => {
    const { db } = await depsWith({ DATABASE_STATEMENT_TIMEOUT_MS: '1234', DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '5678' });
    const shown = await sql<{ statement: string; idle: string }>`
      SELECT current_setting('statement_timeout') AS statement,
             current_setting('idle_in_transaction_session_timeout') AS idle`.execute(db);
    expect(shown.rows[0]).toEqual({ statement: '1234ms', idle: '5678ms' });
  });
});

describe('Stripe client bounds', () => {
  it('fails a call to a hung Stripe after STRIPE_TIMEOUT_MS, retrying STRIPE_MAX_NETWORK_RETRIES times itself', async () => {
    const hole = await startBlackhole();
    const config = loadConfig(
      testEnvVars('postgres://unused/x', {
        STRIPE_API_BASE: `http://127.0.0.1:${hole.port}`,
        STRIPE_TIMEOUT_MS: '300',
        STRIPE_MAX_NETWORK_RETRIES: '1',
      }),
    );
    try {
      const { ms, error } = await settle(createPayments(config).retrieveAccount('acct_hung'));
      expect(error).toBeInstanceOf(PaymentsError);
      expect((error as PaymentsError).kind).toBe('transient');
      expect(hole.connections()).toBe(2); // the call and one retry
      expect(ms).toBeLessThan(5000);
    } finally {
      await hole.close();
    }
  });
});
